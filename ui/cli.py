"""``assistant serve``: registered through the ``assistant.commands`` entry-point group.

Imports nothing heavy at module level: every ``assistant`` command loads this to register ``serve``, and
only ``serve`` itself should pay for gradio.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant import Settings


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    serve = subparsers.add_parser(
        "serve",
        help="start the chat UI in the browser (builds the model and index first if missing)",
        description="واجهة المحادثة في المتصفح. تستمع على 127.0.0.1 ما لم يُطلب غير ذلك.",
    )
    serve.add_argument("--host", help="address to bind (default: settings.host = 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default: settings.port = 7860)")
    serve.add_argument(
        "--share", action="store_true", default=None, help="also open a public share link (off by default)"
    )
    serve.add_argument("--auth-user", help="username required to open the UI (with --auth-password)")
    serve.add_argument("--auth-password", help="password (prefer ASSISTANT_AUTH_PASSWORD in the environment)")
    serve.add_argument("--concurrency", type=int, help="questions answered at once (settings.concurrency)")
    serve.set_defaults(func=serve_command)


def apply_overrides(args: argparse.Namespace, settings: Settings) -> Settings:
    """Flags given on the command line win over environment and defaults; the rest is left as is."""
    return settings.overridden(
        host=args.host,
        port=args.port,
        share=args.share,
        auth_user=args.auth_user,
        auth_password=args.auth_password,
        concurrency=args.concurrency,
    )


def serve_command(args: argparse.Namespace, settings: Settings) -> int:
    settings = apply_overrides(args, settings)
    if bool(settings.auth_user) != bool(settings.auth_password):
        print("خطأ: اسم المستخدم وكلمة المرور يُعطيان معًا.\nerror: give both --auth-user and --auth-password")
        return 2
    from ui.app import launch

    launch(settings)
    return 0
