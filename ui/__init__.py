"""The browser face: a Gradio chat over the core's ``Assistant`` (the only package that imports gradio)."""
