"""``assistant serve``: flags, safe defaults, and no gradio import for the other commands."""

from __future__ import annotations

import argparse
import subprocess
import sys

from assistant.settings import REPO_ROOT, Settings
from ui.cli import apply_overrides, register, serve_command


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="assistant")
    register(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(["serve", *argv])


def test_defaults_bind_locally_without_share_or_auth() -> None:
    args = parse()
    settings = apply_overrides(args, Settings())
    assert settings.host == "127.0.0.1"
    assert settings.port == 7860
    assert settings.share is False
    assert settings.auth_user is None and settings.auth_password is None
    assert args.func is serve_command


def test_flags_override_settings() -> None:
    args = parse(
        "--host",
        "0.0.0.0",
        "--port",
        "9123",
        "--share",
        "--auth-user",
        "u",
        "--auth-password",
        "p",
        "--concurrency",
        "4",
    )
    settings = apply_overrides(args, Settings(port=8000))
    assert (settings.host, settings.port, settings.share, settings.concurrency) == ("0.0.0.0", 9123, True, 4)
    assert settings.auth_user == "u"
    assert settings.auth_password is not None and settings.auth_password.get_secret_value() == "p"


def test_settings_from_environment_survive_when_no_flag_is_given(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ASSISTANT_AUTH_USER", "reader")
    monkeypatch.setenv("ASSISTANT_AUTH_PASSWORD", "secret")
    settings = apply_overrides(parse("--port", "9000"), Settings())
    assert settings.auth_user == "reader" and settings.port == 9000
    assert settings.auth_password is not None and settings.auth_password.get_secret_value() == "secret"


def test_half_given_auth_is_refused_before_anything_loads(capsys) -> None:  # type: ignore[no-untyped-def]
    assert serve_command(parse("--auth-user", "u"), Settings()) == 2
    assert "auth" in capsys.readouterr().out


def test_launch_options_are_safe_by_default() -> None:
    from ui.app import launch_options

    options = launch_options(Settings())
    assert options["server_name"] == "127.0.0.1"
    assert options["share"] is False
    assert options["auth"] is None
    assert options["run_history"] is False  # nothing of a conversation is kept in the browser
    assert options["ssr_mode"] is False and options["mcp_server"] is False
    secured = launch_options(Settings(auth_user="u", auth_password="p", host="0.0.0.0"))
    assert secured["auth"] == ("u", "p")
    assert secured["server_name"] == "0.0.0.0"


def test_registering_serve_does_not_import_gradio() -> None:
    code = (
        "import sys, argparse, ui.cli as c; c.register(argparse.ArgumentParser().add_subparsers()); "
        "print('gradio' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
