"""Answer → chat HTML, as pure functions.

Every piece of user or knowledge text is escaped before it is wrapped, so a question holding markup is shown
as text. Latin runs, URLs and numbers go inside ``<bdi>`` so names and dates keep their order inside Arabic
lines. The output holds no newline: the chatbot's Markdown renderer then takes it as one raw HTML block and
never re-reads knowledge text as Markdown.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from urllib.parse import urlsplit

from assistant import Answer, Citation

MAX_SHOWN_QUESTION = 600
"""Characters of a question echoed into the chat; a 100 KB paste is cut in the bubble, never in the log."""

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_AR = "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff"
_TOKEN = re.compile(rf"[^\s{_AR}]+")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_DIGIT = re.compile(r"\d")
_LATIN_GAP = re.compile(r"[ \t]*[,&/\-–]?[ \t]*")
_SENTENCE_END = ".,;:!?"
_PAIRS = {")": "(", "]": "[", "»": "«"}
_HEADING = re.compile(r"#{1,6}\s+")
_BOLD = re.compile(r"\*\*(.+?)\*\*")

SOURCES_TITLE = "المصادر"
REFUSAL_TITLE = "لا جواب في قاعدة المعرفة"
INVALID_TITLE = "تعذّر فهم السؤال"
SUGGESTIONS_TITLE = "أسئلة يمكن الإجابة عنها:"
ORIGINAL_LINK = "المصدر الأصلي"
EMPTY_QUESTION = "(رسالة فارغة)"
CUT_NOTE = "… (اختُصر العرض: {n} حرفًا)"


def clean_text(text: str) -> str:
    """Drop control and bidi-override characters: they can reorder what the reader sees."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Leave sentence punctuation and unbalanced brackets outside a run: «(الرياض، 2024-02-04)» keeps its
    closing bracket in the Arabic flow, where it mirrors correctly."""
    while start < end:
        last = text[end - 1]
        unbalanced = last in _PAIRS and text.count(last, start, end) > text.count(_PAIRS[last], start, end)
        if last in _SENTENCE_END or unbalanced:
            end -= 1
        else:
            break
    while start < end:
        first = text[start]
        closing = next((c for c, o in _PAIRS.items() if o == first), None)
        if closing and text.count(first, start, end) > text.count(closing, start, end):
            start += 1
        else:
            break
    return start, end


def ltr_spans(text: str) -> list[tuple[int, int, bool]]:
    """Left-to-right runs: Latin words (with the numbers, URLs and symbols among them) joined across spaces,
    or a number on its own. «في 2024 3 دول» keeps its numbers apart so their order never flips, and
    sentence punctuation after a run stays outside it. Linear in the text length."""
    runs: list[list[int | bool]] = []
    for match in _TOKEN.finditer(text):
        start, end = _trim(text, match.start(), match.end())
        if start >= end:
            continue
        core = text[start:end]
        latin = bool(_LATIN.search(core))
        if not latin and not _DIGIT.search(core):
            continue
        if runs and runs[-1][2]:
            gap = text[int(runs[-1][1]) : start]
            joins = _LATIN_GAP.fullmatch(gap) if latin else gap.strip(" \t") == ""
            if gap and joins:
                runs[-1][1] = end
                continue
        runs.append([start, end, latin])
    return [(int(s), int(e), bool(latin)) for s, e, latin in runs]


def bidi(text: str) -> str:
    """Escape ``text`` and isolate its left-to-right runs in ``<bdi>``.

    Latin runs (names, URLs, with the numbers among them) are marked ``dir="ltr"``. Numbers alone are only
    isolated: they keep the paragraph's direction, so «4–8 فبراير» in an Arabic line shows 4 on the right,
    where an Arabic reader starts, and the same range in an English line shows 4 on the left."""
    out: list[str] = []
    pos = 0
    for start, end, latin in ltr_spans(text):
        out.append(html.escape(text[pos:start]))
        opening = '<bdi dir="ltr">' if latin else "<bdi>"
        out.append(f"{opening}{html.escape(text[start:end])}</bdi>")
        pos = end
    out.append(html.escape(text[pos:]))
    return "".join(out)


def highlight_spans(text: str, words: Sequence[str]) -> list[tuple[int, int]]:
    """Non-overlapping spans of ``words`` in ``text`` (case-insensitive, longest word first)."""
    lowered = text.casefold()
    taken: list[tuple[int, int]] = []
    for word in sorted({w.strip() for w in words if w and w.strip()}, key=len, reverse=True):
        needle = word.casefold()
        start = lowered.find(needle)
        while start != -1:
            end = start + len(needle)
            if all(end <= a or start >= b for a, b in taken):
                taken.append((start, end))
            start = lowered.find(needle, end)
    return sorted(taken)


def inline(text: str, highlights: Sequence[str] = ()) -> str:
    """One line of display text: ``**bold**``, highlighted words in ``<mark>``, bidi isolation, escaping."""
    out: list[str] = []
    pos = 0
    for match in _BOLD.finditer(text):
        out.append(_marked(text[pos : match.start()], highlights))
        out.append(f"<strong>{_marked(match.group(1), highlights)}</strong>")
        pos = match.end()
    out.append(_marked(text[pos:], highlights))
    return "".join(out)


def _marked(text: str, highlights: Sequence[str]) -> str:
    out: list[str] = []
    pos = 0
    for start, end in highlight_spans(text, highlights):
        out.append(bidi(text[pos:start]))
        out.append(f"<mark>{bidi(text[start:end])}</mark>")
        pos = end
    out.append(bidi(text[pos:]))
    return "".join(out)


def text_block(text: str) -> str:
    """Simple Markdown (paragraphs, ``#`` headings, ``- `` bullets, bold) as HTML, trusting no markup."""
    parts: list[str] = []
    bullets: list[str] = []
    for raw_line in clean_text(text).split("\n"):
        line = raw_line.strip()
        if line.startswith(("- ", "* ", "• ")):
            bullets.append(f"<li>{inline(line[2:].strip())}</li>")
            continue
        if bullets:
            parts.append(f"<ul>{''.join(bullets)}</ul>")
            bullets = []
        heading = _HEADING.match(line)
        if heading:
            parts.append(f"<h4>{inline(line[heading.end() :])}</h4>")
        elif line:
            parts.append(f"<p>{inline(line)}</p>")
    if bullets:
        parts.append(f"<ul>{''.join(bullets)}</ul>")
    return "".join(parts)


def _safe_url(url: str | None) -> str | None:
    if not url:
        return None
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return url.strip()


def _host(url: str) -> str:
    return urlsplit(url).netloc.removeprefix("www.")


def _label(url: str, urls: Sequence[str]) -> str:
    """The site's name; numbered when several reports come from the same site."""
    host = _host(url)
    same = [u for u in urls if _host(u) == host]
    return host if len(same) == 1 else f"{host} ({same.index(url) + 1})"


def _link(url: str, label: str | None = None) -> str:
    text = label or _host(url)
    return (
        f'<a href="{html.escape(url, quote=True)}" title="{html.escape(url, quote=True)}" '
        f'target="_blank" rel="noopener noreferrer">{bidi(text)}</a>'
    )


def format_date(iso: str | None, month_names: Sequence[str] = ()) -> str:
    """``2024-02-04`` → ``4 فبراير 2024`` when the twelve month names are given, else the ISO date."""
    if not iso:
        return ""
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", iso.strip())
    if not match or len(month_names) != 12:
        return iso
    year, month, day = (int(g) for g in match.groups())
    if not 1 <= month <= 12:
        return iso
    return f"{day} {month_names[month - 1]} {year}"


def citation_links(citation: Citation) -> list[str]:
    """The original reports behind a citation: the article's URL, or a record's report URLs."""
    urls = [citation.url, *citation.sources]
    seen: list[str] = []
    for url in urls:
        safe = _safe_url(url)
        if safe and safe not in seen:
            seen.append(safe)
    return seen


def source_class(source_id: str) -> str:
    """The citation's id as a CSS class (the chat's sanitizer keeps classes, not data attributes)."""
    return "sid-" + re.sub(r"[^A-Za-z0-9_.#-]", "_", source_id)


def _date_in_title(citation: Citation, month_names: Sequence[str]) -> bool:
    """Titles like «… — 21 أبريل 2024» already carry the date; showing it twice adds nothing."""
    match = re.fullmatch(r"(\d{4})-(\d{2})-\d{2}", (citation.date or "").strip())
    if not match or len(month_names) != 12:
        return False
    year, month = match.group(1), int(match.group(2))
    return 1 <= month <= 12 and year in citation.title and month_names[month - 1] in citation.title


def render_citation(number: int, citation: Citation, month_names: Sequence[str] = ()) -> str:
    """One expandable source: title and date always visible, the quote and report links inside."""
    kind_label = {"article": "مقال", "record": "سجل لقاء"}.get(citation.kind, "بيانات مرجعية")
    date = format_date(citation.date, month_names)
    if date and _date_in_title(citation, month_names):
        date = ""
    summary = (
        f'<summary><span class="src-num">{number}</span> '
        f'<span class="src-kind">{kind_label}</span> '
        f'<span class="src-title" dir="auto">{bidi(clean_text(citation.title))}</span>'
        + (f' <span class="src-date">{bidi(date)}</span>' if date else "")
        + "</summary>"
    )
    quote = clean_text(citation.quote).strip()
    lines = "<br>".join(inline(line, citation.highlights) for line in quote.split("\n") if line.strip())
    body = f'<blockquote dir="auto">{lines}</blockquote>' if quote else ""
    links = citation_links(citation)
    if links:
        label = ORIGINAL_LINK if len(links) == 1 else f"{ORIGINAL_LINK} ({len(links)})"
        body += (
            f'<div class="src-links"><span class="src-links-label">{label}:</span> '
            + " · ".join(_link(url, _label(url, links)) for url in links)
            + "</div>"
        )
    classes = f"source source-{citation.kind} {source_class(citation.source_id)}"
    return f'<details class="{classes}">{summary}{body}</details>'


def render_sources(citations: Sequence[Citation], month_names: Sequence[str] = ()) -> str:
    if not citations:
        return ""
    items = "".join(render_citation(i, c, month_names) for i, c in enumerate(citations, start=1))
    title = f'<div class="sources-title">{SOURCES_TITLE} ({len(citations)})</div>'
    return f'<div class="sources">{title}{items}</div>'


GENERATED_NOTE = "صِيغ هذا الجواب بنموذج توليدي، وتُحقّق من أن كل رقم واسم فيه وارد في المصادر."
REPLACED_NOTE = "لم يجتز النص المولَّد التحقق من المصادر (أو تأخر)، فعُرض الجواب المستخرج منها مباشرة."


def render_answer(answer: Answer, month_names: Sequence[str] = ()) -> str:
    """The full chat message for an answer: its text, then its sources; refusals look different."""
    if answer.route == "invalid":
        return render_notice(answer.text)
    if not answer.answerable:
        suggestions = ""
        if answer.suggestions:
            items = "".join(f"<li>{inline(clean_text(s))}</li>" for s in answer.suggestions)
            suggestions = f'<div class="suggestions"><span>{SUGGESTIONS_TITLE}</span><ul>{items}</ul></div>'
        return (
            '<div class="answer refusal" dir="rtl">'
            f'<div class="refusal-head"><span class="icon" aria-hidden="true">⊘</span> {REFUSAL_TITLE}</div>'
            f'<div class="answer-text">{text_block(answer.text)}</div>{suggestions}'
            f"{render_sources(answer.citations, month_names)}</div>"
        )
    return (
        f'<div class="answer gen-{html.escape(answer.generator_status)}" dir="rtl">'
        f'<div class="answer-text">{_answer_text(answer)}</div>'
        f"{_generator_note(answer)}{render_sources(answer.citations, month_names)}</div>"
    )


def _answer_text(answer: Answer) -> str:
    """The answer's text; a message of several questions as each question, set as a heading, over its own
    answer (unless a generative model rewrote the whole)."""
    if not answer.sections or answer.generator_status == "used":
        return text_block(answer.text)
    return "".join(
        f'<h4 class="asked">{inline(clean_text(s.question))}</h4>{text_block(s.text)}' for s in answer.sections
    )


def _generator_note(answer: Answer) -> str:
    """Say which text the reader sees when a generative model is configured: its own (checked against
    the sources), or the extracted one that replaced it."""
    if answer.generator_status == "used":
        return f'<div class="generator-note">{GENERATED_NOTE}</div>'
    if answer.generator_status in {"rejected", "timeout", "error"}:
        return f'<div class="generator-note replaced">{REPLACED_NOTE}</div>'
    return ""


def render_partial(text: str) -> str:
    """The answer while it streams in: text only, an unfinished ``**`` closed so the bold does not leak."""
    if text.count("**") % 2:
        text += "**"
    return f'<div class="answer streaming" dir="rtl"><div class="answer-text">{text_block(text)}</div></div>'


def render_notice(message: str, kind: str = "invalid") -> str:
    """A message about the input or the app (not an answer): warning style."""
    title = INVALID_TITLE if kind == "invalid" else "حدث خطأ"
    return (
        f'<div class="answer notice notice-{html.escape(kind)}" dir="rtl">'
        f'<div class="notice-head"><span class="icon" aria-hidden="true">⚠</span> {title}</div>'
        f'<div class="answer-text">{text_block(message)}</div></div>'
    )


def render_question(question: str) -> str:
    """The reader's own message, always shown as plain text, cut when very long."""
    text = clean_text(question).strip()
    if not text:
        return f'<div class="question empty" dir="rtl">{EMPTY_QUESTION}</div>'
    note = ""
    if len(text) > MAX_SHOWN_QUESTION:
        note = f'<div class="cut-note">{html.escape(CUT_NOTE.format(n=len(text)))}</div>'
        text = text[:MAX_SHOWN_QUESTION]
    lines = "<br>".join(bidi(line) for line in text.split("\n"))
    return f'<div class="question" dir="auto">{lines}{note}</div>'


def stream_chunks(text: str, words_per_chunk: int = 3) -> list[str]:
    """Growing prefixes of ``text`` a few words at a time; the last one is the whole text."""
    pieces = re.findall(r"\S+\s*", text)
    prefixes = ["".join(pieces[: i + words_per_chunk]) for i in range(0, len(pieces), max(1, words_per_chunk))]
    if not prefixes or prefixes[-1] != text:
        prefixes.append(text)
    return prefixes
