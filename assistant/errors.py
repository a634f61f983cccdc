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
