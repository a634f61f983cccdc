"""Errors every face can show as they are: each carries an Arabic and an English message."""

from __future__ import annotations


class AssistantError(Exception):
    """Base error; ``str()`` gives «Arabic — English» so logs and terminals show both."""

    exit_code = 1

    def __init__(self, message_ar: str, message_en: str) -> None:
        self.message_ar = message_ar
        self.message_en = message_en
        super().__init__(f"{message_ar} — {message_en}")


class InputError(AssistantError):
    """The question itself is unusable (empty, too long, not text)."""

    exit_code = 2


class KnowledgeError(AssistantError):
    """A knowledge file is malformed; names the file, the record and the field."""

    exit_code = 2

    def __init__(self, path: str, problem: str, record: str | None = None, field: str | None = None) -> None:
        self.path = path
        self.record = record
        self.field = field
        self.problem = problem
        where = path + (f", record {record}" if record else "") + (f", field {field}" if field else "")
        where_ar = f"الملف {path}" + (f"، السجل {record}" if record else "") + (f"، الحقل {field}" if field else "")
        super().__init__(f"ملف معرفة غير صالح: {where_ar}: {problem}", f"invalid knowledge file: {where}: {problem}")


class IndexMissingError(AssistantError):
    exit_code = 3

    def __init__(self, where: str) -> None:
        super().__init__(
            f"لا يوجد فهرس في {where}. شغّل ‎`assistant ingest`‎ أولاً.",
            f"no index at {where}; run `assistant ingest` first.",
        )


class StoreUnavailableError(AssistantError):
    exit_code = 3

    def __init__(self, where: str, detail: str) -> None:
        super().__init__(
            f"تعذّر الاتصال بمخزن المتجهات Chroma في {where}: {detail}",
            f"cannot reach the Chroma vector store at {where}: {detail}",
        )


class IndexDamagedError(AssistantError):
    """The embedded index cannot be opened (a truncated or otherwise damaged ``chroma.sqlite3``)."""

    exit_code = 3

    def __init__(self, where: str, detail: str) -> None:
        super().__init__(
            f"تعذّر فتح الفهرس في {where} (قد يكون تالفاً: {detail}). أعد بناءه بالأمر ‎`assistant ingest --rebuild`‎.",
            f"cannot open the index at {where} (it may be damaged: {detail}); rebuild it with "
            "`assistant ingest --rebuild`.",
        )


class IngestBusyError(AssistantError):
    """Another process holds the ingest lock of this data folder (one writer at a time)."""

    exit_code = 3

    def __init__(self, lock: str, waited_s: float) -> None:
        super().__init__(
            f"عملية فهرسة أخرى جارية على مجلد البيانات نفسه (القفل {lock}؛ انتظرت {waited_s:.0f} ث). "
            "أعد المحاولة بعد انتهائها.",
            f"an ingest is already running on this data folder (lock {lock}; waited {waited_s:.0f} s); "
            "try again when it has finished.",
        )


class ModelError(AssistantError):
    """The embedding model cannot be found, built or loaded; names the path."""

    exit_code = 3

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        super().__init__(
            f"تعذّر تحميل نموذج التضمين من {path}: {problem}",
            f"cannot load the embedding model from {path}: {problem}",
        )


class RequestTimeoutError(AssistantError):
    """An answer took longer than ``settings.request_timeout_s``; the reader gets a message, not a hang."""

    exit_code = 3

    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"استغرقت الإجابة أكثر من {seconds:g} ثانية فأوقفتُ انتظارها. اختصر السؤال أو أعد المحاولة.",
            f"the answer took longer than {seconds:g} s and was abandoned; shorten the question or try again.",
        )


class InternalError(AssistantError):
    """Anything unexpected, shown to a user as one line (the traceback goes to the log, never the screen)."""

    exit_code = 3

    def __init__(self, detail: str) -> None:
        super().__init__(
            f"حدث خطأ داخلي غير متوقع ({detail}).",
            f"unexpected internal error ({detail}).",
        )
