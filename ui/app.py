"""The Gradio chat: Arabic first, right-to-left, every answer with its sources.

State lives only in each browser session (``gr.State``): the conversation is a list of turns owned by that
session, never a module global, so one reader's questions never reach another's screen or history.
"""

from __future__ import annotations

import html
import json
import logging
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr
from starlette.middleware import Middleware

from assistant import Answer, AssistantError, InputError, Settings
from ui import render, tables
from ui.feedback import FeedbackEntry, FeedbackLog
from ui.security import LoginThrottle, SecurityHeaders

if TYPE_CHECKING:
    from assistant import Assistant

log = logging.getLogger(__name__)

STYLE = Path(__file__).with_name("style.css")
STREAM_WORDS = 3
STREAM_PAUSE_S = 0.03
"""Answers are computed whole in well under a second; they are revealed a few words at a time so the
reader sees progress and can start reading at once (about 0.3 s for a 30-word answer)."""

THINKING = '<div class="answer thinking" dir="rtl"><span class="dots" aria-hidden="true">…</span> أبحث في المصادر</div>'
GENERIC_ERROR = "حدث خطأ غير متوقع أثناء الإجابة. أعد المحاولة أو ابدأ محادثة جديدة."
FEEDBACK_NOT_SAVED = "تعذّر حفظ تقييمك (مجلد البيانات غير قابل للكتابة). شكرًا على كل حال."
LOCALE_SCRIPT = (
    b"<script>(function(){try{"
    b'Object.defineProperty(navigator,"language",{get:function(){return "ar";}});'
    b'Object.defineProperty(navigator,"languages",{get:function(){return ["ar","en"];}});'
    b"}catch(e){}})();</script>"
)


class ArabicPage:
    """ASGI middleware: the page opens in Arabic whatever the browser's language.

    Gradio picks its interface language from ``navigator.language`` as its first script starts, before the
    ``head`` option is applied, so the switch has to be in the served HTML itself.
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope.get("method") != "GET":
            await self.app(scope, receive, send)
            return
        held: dict[str, Any] = {}

        async def send_patched(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = {k.lower(): v for k, v in message.get("headers", [])}
                if b"text/html" in headers.get(b"content-type", b"") and b"content-encoding" not in headers:
                    held.update(start=message, body=b"")
                    return
            elif message["type"] == "http.response.body" and "start" in held:
                held["body"] += message.get("body", b"")
                if message.get("more_body"):
                    return
                body = arabic_html(held["body"])
                headers = [(k, v) for k, v in held["start"].get("headers", []) if k.lower() != b"content-length"]
                headers.append((b"content-length", str(len(body)).encode()))
                await send({**held["start"], "headers": headers})
                await send({"type": "http.response.body", "body": body})
                return
            await send(message)

        await self.app(scope, receive, send_patched)


def arabic_html(page: bytes) -> bytes:
    """Mark the document Arabic and run the locale switch before any of Gradio's scripts."""
    page = page.replace(b'lang="en"', b'lang="ar"', 1)
    return page.replace(b"<head>", b"<head>" + LOCALE_SCRIPT, 1)


Update = tuple[str, list[dict[str, str]], list["Turn"]]
"""What the chat handler yields: the cleared textbox, the chatbot's messages, the session's turns."""
Turn = dict[str, Any]
"""One exchange: question, answer (plain text), route, and the HTML shown for both."""


# --- conversation ------------------------------------------------------------------------------------


def history_for(turns: Sequence[Turn]) -> list[dict[str, str]]:
    """Earlier turns in Gradio's messages format, as ``Assistant.ask`` takes them (bad input left out)."""
    messages: list[dict[str, str]] = []
    for turn in turns:
        if turn.get("route") in ("invalid", "error", None):
            continue
        messages.append({"role": "user", "content": turn["question"]})
        messages.append({"role": "assistant", "content": turn["answer"]})
    return messages


def chat_messages(turns: Sequence[Turn]) -> list[dict[str, str]]:
    """What the chatbot shows: two messages per turn, so message ``i`` belongs to turn ``i // 2``."""
    messages: list[dict[str, str]] = []
    for turn in turns:
        messages.append({"role": "user", "content": turn["question_html"]})
        messages.append({"role": "assistant", "content": turn["answer_html"]})
    return messages


def parse_history_json(history_json: str | None) -> list[dict[str, str]]:
    """The API's history: a JSON list of ``{"role", "content"}`` messages (empty when blank)."""
    if not history_json or not history_json.strip():
        return []
    try:
        data = json.loads(history_json)
    except json.JSONDecodeError as exc:
        raise ValueError(f"history_json is not valid JSON: {exc.msg}") from exc
    if not isinstance(data, list) or not all(
        isinstance(m, dict) and m.get("role") in ("user", "assistant") and isinstance(m.get("content"), str)
        for m in data
    ):
        raise ValueError('history_json must be a list of {"role": "user"|"assistant", "content": str}')
    return [{"role": m["role"], "content": m["content"]} for m in data]


def invalid_answer(question: str, error: AssistantError) -> Answer:
    """Bad input as an Answer (route ``invalid``), so API callers always get the same JSON shape."""
    return Answer(text=error.message_ar, answerable=False, route="invalid", question=question)


def api_answer(assistant: Assistant, question: str, history_json: str = "[]") -> dict[str, Any]:
    """The ``/ask`` endpoint: an Answer dict; bad input is an ``invalid`` answer; any other failure (the
    store down, a time-out) is a ``gr.Error`` carrying the Arabic and English message, never an opaque one."""
    try:
        history = parse_history_json(history_json)
    except ValueError as exc:
        raise gr.Error(str(exc)) from exc
    try:
        answer = assistant.ask(question, history=history)
    except InputError as exc:
        answer = invalid_answer(question if isinstance(question, str) else "", exc)
    except AssistantError as exc:
        raise gr.Error(f"{exc.message_ar} — {exc.message_en}") from exc
    return answer.model_dump(mode="json")


# --- page parts --------------------------------------------------------------------------------------


def describe(assistant: Assistant) -> tuple[str, str]:
    """Title and a one-line description of what the knowledge base holds, from the knowledge itself."""
    articles = assistant.articles()
    records = assistant.records()
    title = assistant.title()
    parts = []
    for article in articles:
        meta = article.meta
        parts.append(f"مقال «{meta.title}» ({meta.publisher}، {meta.published.isoformat()})")
    if records:
        years = sorted({r.start.year for r in records})
        span = str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"
        parts.append(f"{len(records)} سجلًا للقاءات موثّقة في تقارير صحفية ({span})")
    line = "يجيب من " + " و".join(parts) + "، ويذكر مصدر كل جواب." if parts else ""
    return title, line


def header_html(title: str, line: str) -> str:
    return (
        '<div class="app-header" dir="rtl">'
        f"<h1>{render.bidi(title)}</h1>"
        f'<p class="app-description">{render.bidi(line)}</p>'
        '<p class="app-hint">يجيب من قاعدة المعرفة وحدها، ويقول «لا أعرف» حين لا يجد الجواب فيها.</p>'
        "</div>"
    )


def article_html(assistant: Assistant) -> str:
    out = []
    for article in assistant.articles():
        meta = article.meta
        rows = [
            ("العنوان", render.bidi(meta.title)),
            ("الناشر", render.bidi(meta.publisher)),
            ("تاريخ النشر", render.bidi(meta.published.isoformat())),
        ]
        if meta.section:
            rows.append(("القسم", render.bidi(meta.section)))
        if meta.author:
            rows.append(("الكاتب", render.bidi(meta.author)))
        url = html.escape(str(meta.url), quote=True)
        rows.append(
            ("الرابط", f'<a href="{url}" target="_blank" rel="noopener noreferrer"><bdi dir="ltr">{url}</bdi></a>')
        )
        meta_rows = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
        out.append(
            f'<article class="article-card" dir="rtl"><table class="article-meta">{meta_rows}</table>'
            f'<div class="article-body" dir="rtl">{render.text_block(article.body)}</div></article>'
        )
    return "".join(out) or '<p dir="rtl">لا مقالات في قاعدة المعرفة.</p>'


def _count_line(shown: int, total: int) -> str:
    if shown == total:
        return f"**{total}** لقاءً موثّقًا. اختر من القوائم للتصفية، ولترتيب الجدول افتح قائمة ⋮ في رأس العمود."
    return f"**{shown}** من أصل **{total}** لقاءً تطابق التصفية."


# --- the app -----------------------------------------------------------------------------------------


def _count_plot(frame: Any, x: str, title: str, x_title: str, elem_id: str, label: str) -> gr.BarPlot:
    """A bar chart of meeting counts per category, largest first."""
    return gr.BarPlot(
        frame,
        x=x,
        y=tables.COL_COUNT,
        sort="-y",
        title=title,
        x_title=x_title,
        y_title="عدد اللقاءات",
        x_label_angle=-40,
        y_lim=[0, None],
        height=380,
        elem_id=elem_id,
        label=label,
    )


def build_app(assistant: Assistant) -> gr.Blocks:
    """The whole UI around one loaded ``Assistant`` (shared, read-only); conversation state is per session."""
    settings = assistant.settings
    feedback = FeedbackLog.in_data_dir(settings.data_dir)
    reference = assistant.reference
    months = tables.month_labels(reference)
    records = assistant.records()
    choices = tables.filter_choices(records, reference)
    title, line = describe(assistant)
    examples = assistant.examples()

    def respond(message: str | None, turns: list[Turn] | None) -> Iterator[Update]:
        question = render.clean_text(message if isinstance(message, str) else "")
        turns = list(turns or [])
        turn: Turn = {
            "question": question.strip(),
            "question_html": render.render_question(question),
            "answer": "",
            "answer_html": THINKING,
            "route": None,
        }
        yield "", chat_messages([*turns, turn]), turns
        answer: Answer | None = None
        streamed = False
        try:
            for event in assistant.ask_stream(question, history=history_for(turns)):
                if isinstance(event, Answer):
                    answer = event
                else:  # a generative model's text as it arrives; the checked answer replaces it
                    streamed = True
                    turn["answer_html"] = render.render_partial(event)
                    yield "", chat_messages([*turns, turn]), turns
        except AssistantError as exc:  # bad input, or the index unreachable: say so in the chat and carry on
            route = "invalid" if isinstance(exc, InputError) else "error"
            notice = render.render_notice(exc.message_ar, route)
            turn.update(answer=exc.message_ar, answer_html=notice, route=route)
            turns.append(turn)
            yield "", chat_messages(turns), turns
            return
        except Exception:
            log.exception("answering failed")
            notice = render.render_notice(GENERIC_ERROR, "error")
            turn.update(answer=GENERIC_ERROR, answer_html=notice, route="error")
            turns.append(turn)
            yield "", chat_messages(turns), turns
            return
        assert answer is not None
        if answer.answerable and not streamed:  # extractive: shown a few words at a time all the same
            for prefix in render.stream_chunks(answer.text, STREAM_WORDS)[:-1]:
                turn["answer_html"] = render.render_partial(prefix)
                yield "", chat_messages([*turns, turn]), turns
                time.sleep(STREAM_PAUSE_S)
        turn.update(answer=answer.text, answer_html=render.render_answer(answer, months), route=answer.route)
        turns.append(turn)
        yield "", chat_messages(turns), turns

    def new_conversation() -> tuple[list[dict[str, str]], list[Turn], str, Any, None]:
        return [], [], "", gr.update(visible=False), None

    def log_feedback(request: gr.Request, number: int, turn: Turn, rating: str, comment: str | None = None) -> bool:
        entry = FeedbackEntry(
            session=request.session_hash or "",
            question=turn["question"],
            answer=turn["answer"],
            route=str(turn["route"]),
            rating=rating,  # type: ignore[arg-type]
            comment=comment,
            turn=number,
        )
        try:
            feedback.append(entry)
        except OSError as exc:  # a read-only data folder still serves answers
            log.warning("cannot write feedback to %s: %s", feedback.path, exc)
            gr.Warning(FEEDBACK_NOT_SAVED)
            return False
        return True

    def on_feedback(turns: list[Turn], data: gr.LikeData, request: gr.Request) -> tuple[Any, Any, str]:
        index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
        number = int(index) // 2
        if not 0 <= number < len(turns) or turns[number].get("route") in ("invalid", "error"):
            return gr.update(visible=False), None, ""
        rating = "useful" if data.liked is True else "not_useful" if data.liked is False else "cleared"
        turn = turns[number]
        if not log_feedback(request, number, turn, rating) or rating == "cleared":
            return gr.update(visible=False), None, ""
        gr.Info("شكرًا على تقييمك! يمكنك إضافة تعليق أدناه (اختياري).")
        return gr.update(visible=True), {"turn": number, "rating": rating}, ""

    def on_comment(
        comment: str, pending: dict[str, Any] | None, turns: list[Turn], request: gr.Request
    ) -> tuple[Any, None, str]:
        text = render.clean_text(comment or "").strip()
        if pending and text and pending["turn"] < len(turns):
            turn = turns[pending["turn"]]
            if log_feedback(request, pending["turn"], turn, pending["rating"], text):
                gr.Info("وصل تعليقك، شكرًا.")
        return gr.update(visible=False), None, ""

    def ask_api(question: str, history_json: str = "[]") -> dict[str, Any]:
        """Answer one question, as `assistant ask --json` does. history_json: previous turns as a JSON list
        of {"role": "user"|"assistant", "content": "..."}; "[]" for a new conversation. Returns the Answer
        as a dict; unusable questions come back with route "invalid" and the reason in `text`."""
        return api_answer(assistant, question, history_json)

    def apply_filters(*values: list[str] | None) -> tuple[Any, ...]:
        picked = tables.filter_records(records, reference, tables.Filters.from_ui(*values))
        return (
            tables.meetings_frame(picked, reference),
            _count_line(len(picked), len(records)),
            tables.per_month_frame(picked, reference),
            tables.per_country_frame(picked),
            tables.per_region_frame(picked, reference),
        )

    with gr.Blocks(title=title, fill_width=False) as demo:
        turns_state = gr.State([])
        pending_state = gr.State(None)
        gr.HTML(header_html(title, line), elem_id="app-header")
        with gr.Tabs(elem_id="tabs"):
            with gr.Tab("المحادثة", id="chat", elem_id="tab-chat"):
                chatbot = gr.Chatbot(
                    label="المحادثة",
                    show_label=False,
                    elem_id="chat",
                    rtl=True,
                    height="68vh",
                    min_height=420,
                    latex_delimiters=[],
                    buttons=["copy", "copy_all"],
                    feedback_options=("Like", "Dislike"),
                    group_consecutive_messages=False,
                    sanitize_html=True,
                    placeholder=(
                        '<div class="chat-placeholder" dir="rtl"><strong>اسأل بالعربية الفصحى أو بالدارجة '
                        "(أو بالإنجليزية).</strong><br>كل جواب تتبعه مصادره: افتح المصدر لترى المقطع "
                        "والكلمات الداعمة ورابط التقرير الأصلي.</div>"
                    ),
                )
                with gr.Row(equal_height=True, elem_id="ask-row"):
                    question = gr.Textbox(
                        show_label=False,
                        label="سؤالك",
                        placeholder=f"اكتب سؤالك هنا ثم اضغط Enter… مثال: {examples[0]}"
                        if examples
                        else "اكتب سؤالك هنا ثم اضغط Enter…",
                        rtl=True,
                        lines=1,
                        max_lines=6,
                        autofocus=True,
                        submit_btn="إرسال",
                        elem_id="question",
                        scale=8,
                    )
                    new_chat = gr.Button("✚ محادثة جديدة", variant="secondary", elem_id="new-chat", scale=1)
                examples = gr.Dataset(
                    components=[question],
                    samples=[[q] for q in examples],
                    label="أسئلة للتجربة (انقر لطرحها)",
                    elem_id="examples",
                    samples_per_page=max(len(examples), 1),
                )
                with gr.Row(visible=False, elem_id="comment-row") as comment_row:
                    comment = gr.Textbox(
                        label="تعليق على تقييمك (اختياري)",
                        rtl=True,
                        lines=1,
                        max_length=2000,
                        scale=6,
                        elem_id="comment",
                    )
                    send_comment = gr.Button("إرسال التعليق", scale=1, elem_id="send-comment")

            with gr.Tab("اللقاءات", id="meetings", elem_id="tab-meetings"):
                with gr.Row(elem_classes=["filters"]):
                    country_f = gr.Dropdown(choices["countries"], multiselect=True, label="الدولة", elem_id="f-country")
                    region_f = gr.Dropdown(choices["regions"], multiselect=True, label="المنطقة", elem_id="f-region")
                    month_f = gr.Dropdown(choices["months"], multiselect=True, label="الشهر", elem_id="f-month")
                    kind_f = gr.Dropdown(choices["kinds"], multiselect=True, label="النوع", elem_id="f-kind")
                    topic_f = gr.Dropdown(choices["topics"], multiselect=True, label="المحور", elem_id="f-topic")
                filters = [country_f, region_f, month_f, kind_f, topic_f]
                with gr.Row():
                    count_md = gr.Markdown(_count_line(len(records), len(records)), rtl=True, elem_id="count")
                    clear_filters = gr.Button("إلغاء التصفية", size="sm", scale=0, elem_id="clear-filters")
                table = gr.Dataframe(
                    value=tables.meetings_frame(records, reference),
                    interactive=False,
                    wrap=True,
                    elem_id="meetings-table",
                    column_widths=tables.MEETING_WIDTHS,
                    elem_classes=["rtl-table"],
                    label="اللقاءات",
                    buttons=["fullscreen", "copy"],
                    max_height=520,
                )
                month_plot = gr.BarPlot(
                    tables.per_month_frame(records, reference),
                    x=tables.COL_MONTH,
                    y=tables.COL_COUNT,
                    color=tables.COL_KIND,
                    sort=months,
                    title="اللقاءات شهرًا بشهر (حسب تاريخ البداية)",
                    x_title="الشهر",
                    y_title="عدد اللقاءات",
                    color_title="النوع",
                    x_label_angle=0,
                    y_lim=[0, None],
                    height=400,
                    elem_id="month-plot",
                    label="اللقاءات شهرًا بشهر",
                )
                with gr.Row():
                    country_plot = _count_plot(
                        tables.per_country_frame(records),
                        tables.COL_COUNTRY,
                        "اللقاءات حسب الدولة",
                        "الدولة",
                        "country-plot",
                        "حسب الدولة",
                    )
                    region_plot = _count_plot(
                        tables.per_region_frame(records, reference),
                        tables.COL_REGION,
                        "اللقاءات حسب المنطقة (قد ينتمي اللقاء إلى أكثر من منطقة)",
                        "المنطقة",
                        "region-plot",
                        "حسب المنطقة",
                    )

            with gr.Tab("المصادر", id="sources", elem_id="tab-sources"):
                gr.Markdown("### المقال", rtl=True)
                gr.HTML(article_html(assistant), elem_id="article")
                gr.Markdown(
                    "### التقارير التي تستند إليها سجلات اللقاءات\nعدد اللقاءات التي يدعمها كل تقرير.",
                    rtl=True,
                )
                gr.Dataframe(
                    value=tables.reports_frame(records, reference),
                    interactive=False,
                    wrap=True,
                    datatype=["str", "markdown", "str", "number", "str"],
                    elem_id="reports-table",
                    elem_classes=["rtl-table"],
                    label="التقارير",
                    max_height=520,
                )

        answer_events = {
            "concurrency_limit": settings.concurrency,
            "concurrency_id": "answer",
            "api_visibility": "private",
        }
        question.submit(respond, [question, turns_state], [question, chatbot, turns_state], **answer_events)
        picked = examples.click(lambda sample: sample[0], examples, question, api_visibility="private", queue=False)
        picked.then(respond, [question, turns_state], [question, chatbot, turns_state], **answer_events)
        new_chat.click(
            new_conversation,
            None,
            [chatbot, turns_state, question, comment_row, pending_state],
            api_visibility="private",
            queue=False,
        )
        chatbot.clear(  # the chatbot's own bin button: forget the conversation, not just its display
            new_conversation,
            None,
            [chatbot, turns_state, question, comment_row, pending_state],
            api_visibility="private",
            queue=False,
        )
        chatbot.like(on_feedback, [turns_state], [comment_row, pending_state, comment], api_visibility="private")
        gr.on(
            [send_comment.click, comment.submit],
            on_comment,
            [comment, pending_state, turns_state],
            [comment_row, pending_state, comment],
            api_visibility="private",
        )
        gr.on(
            [f.change for f in filters],
            apply_filters,
            filters,
            [table, count_md, month_plot, country_plot, region_plot],
            api_visibility="private",
        )
        clear_filters.click(lambda: [None] * len(filters), None, filters, api_visibility="private", queue=False)
        gr.api(ask_api, api_name="ask", concurrency_limit=settings.concurrency, concurrency_id="answer")
    return demo


def launch_options(settings: Settings) -> dict[str, Any]:
    """Everything ``Blocks.launch`` gets: local by default, no share link, no telemetry, auth when set."""
    auth = None
    if settings.auth_user and settings.auth_password:
        auth = (settings.auth_user, settings.auth_password.get_secret_value())
    return {
        "server_name": settings.host,
        "server_port": settings.port or None,
        "share": bool(settings.share),
        "auth": auth,
        "auth_message": "أدخل اسم المستخدم وكلمة المرور." if auth else None,
        "inbrowser": False,
        "quiet": True,
        "show_error": False,
        "ssr_mode": False,
        "mcp_server": False,
        "pwa": False,
        "enable_monitoring": False,
        "run_history": False,
        "footer_links": ["api", "settings"],
        "theme": gr.themes.Default(
            primary_hue="teal",
            font=["Noto Sans Arabic", "Noto Naskh Arabic", "Segoe UI", "Tahoma", "DejaVu Sans", "sans-serif"],
            font_mono=["DejaVu Sans Mono", "monospace"],
        ),
        "css_paths": [STYLE],
        "app_kwargs": {
            "middleware": [  # outermost first: even a refused login carries the security headers
                Middleware(SecurityHeaders),
                Middleware(
                    LoginThrottle,
                    max_failures=settings.login_max_failures,
                    window_s=settings.login_window_s,
                    lockout_s=settings.login_lockout_s,
                ),
                Middleware(ArabicPage),
            ]
        },
    }


def warm_up(assistant: Assistant) -> None:
    """Answer one question before announcing the URL: the first retrieval loads the rest of the model
    (up to tens of seconds on a small CPU), and that wait belongs to start-up, not to the first reader."""
    t0 = time.perf_counter()
    try:
        assistant.ask(next(iter(assistant.examples(1)), "مرحبا"))
    except Exception:  # a failed warm-up must not stop the UI; the first real question will say why
        log.exception("warm-up question failed")
    log.info("warm-up answered in %.1f s", time.perf_counter() - t0)


def launch(settings: Settings | None = None) -> None:
    """Load (building the model and index when missing), then serve until interrupted."""
    from assistant import Assistant
    from assistant.offline import enable_offline_mode

    enable_offline_mode()
    settings = settings or Settings()
    t0 = time.perf_counter()
    print("⏳ تحميل النموذج والفهرس (يُبنيان عند أول تشغيل)… / loading model and index…", flush=True)
    assistant = Assistant.load(settings)
    warm_up(assistant)
    demo = build_app(assistant)
    demo.queue(default_concurrency_limit=settings.concurrency, max_size=64)
    options = launch_options(settings)
    if settings.host not in ("127.0.0.1", "localhost", "::1") and not options["auth"]:
        print("⚠ الواجهة مفتوحة على الشبكة دون كلمة مرور / UI open to the network without auth", flush=True)
    _, local_url, share_url = demo.launch(prevent_thread_lock=True, **options)
    print(f"✅ جاهز في {time.perf_counter() - t0:.1f} ث / ready: {local_url}", flush=True)
    if share_url:
        print(f"🌍 رابط عام / public link: {share_url}", flush=True)
    try:
        demo.block_thread()
    finally:
        demo.close()
