"""Provider SDKs and training libraries: which imported names and call shapes mean what.

Tables, not logic: `python_code.py` resolves every call to a dotted name through the file's
imports (`from openai import OpenAI as C` → `openai.OpenAI`) and looks it up here.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

from compliance.catalog.providers import label_provider, provider_from_host

# Client constructors: qualified name -> (sdk, provider or None when the base URL / model decides)
CLIENTS: dict[str, tuple[str, str | None]] = {
    "openai.OpenAI": ("openai", "openai"), "openai.AsyncOpenAI": ("openai", "openai"),
    "openai.AzureOpenAI": ("openai", "openai"), "openai.AsyncAzureOpenAI": ("openai", "openai"),
    "openai.Client": ("openai", "openai"),
    "anthropic.Anthropic": ("anthropic", "anthropic"), "anthropic.AsyncAnthropic": ("anthropic", "anthropic"),
    "anthropic.AnthropicBedrock": ("anthropic", "anthropic"), "anthropic.AnthropicVertex": ("anthropic", "anthropic"),
    "anthropic.Client": ("anthropic", "anthropic"),
    "google.genai.Client": ("google-genai", "google"),
    "mistralai.Mistral": ("mistralai", "mistral"), "mistralai.client.MistralClient": ("mistralai", "mistral"),
    "mistralai.async_client.MistralAsyncClient": ("mistralai", "mistral"),
    "cohere.Client": ("cohere", "cohere"), "cohere.ClientV2": ("cohere", "cohere"),
    "cohere.AsyncClient": ("cohere", "cohere"), "cohere.AsyncClientV2": ("cohere", "cohere"),
    "groq.Groq": ("groq", "groq"), "groq.AsyncGroq": ("groq", "groq"),
    "together.Together": ("together", "together"), "together.AsyncTogether": ("together", "together"),
}

# Objects whose construction names the model and whose methods generate: qualified name ->
# (sdk, provider or None, keyword or position of the model argument)
MODEL_OBJECTS: dict[str, tuple[str, str | None, str]] = {
    "google.generativeai.GenerativeModel": ("google-generativeai", "google", "model_name"),
    "vertexai.generative_models.GenerativeModel": ("vertexai", "google", "model_name"),
    "vertexai.preview.generative_models.GenerativeModel": ("vertexai", "google", "model_name"),
    "langchain_openai.ChatOpenAI": ("langchain", "openai", "model"),
    "langchain_openai.AzureChatOpenAI": ("langchain", "openai", "model"),
    "langchain_openai.OpenAI": ("langchain", "openai", "model"),
    "langchain_openai.OpenAIEmbeddings": ("langchain", "openai", "model"),
    "langchain_community.chat_models.ChatOpenAI": ("langchain", "openai", "model"),
    "langchain.chat_models.ChatOpenAI": ("langchain", "openai", "model"),
    "langchain_anthropic.ChatAnthropic": ("langchain", "anthropic", "model"),
    "langchain_google_genai.ChatGoogleGenerativeAI": ("langchain", "google", "model"),
    "langchain_mistralai.ChatMistralAI": ("langchain", "mistral", "model"),
    "langchain_groq.ChatGroq": ("langchain", "groq", "model"),
    "llama_index.llms.openai.OpenAI": ("llama_index", "openai", "model"),
    "llama_index.llms.anthropic.Anthropic": ("llama_index", "anthropic", "model"),
    "llama_index.llms.gemini.Gemini": ("llama_index", "google", "model"),
    "llama_index.llms.openai_like.OpenAILike": ("llama_index", None, "model"),
    "llama_index.embeddings.openai.OpenAIEmbedding": ("llama_index", "openai", "model"),
    "dspy.LM": ("dspy", None, "model"), "dspy.OpenAI": ("dspy", "openai", "model"),
    "dspy.Claude": ("dspy", "anthropic", "model"), "dspy.Google": ("dspy", "google", "model"),
}

# Module-level functions that call a model directly: qualified name -> (sdk, provider, api)
FUNCTIONS: dict[str, tuple[str, str | None, str]] = {
    "openai.ChatCompletion.create": ("openai", "openai", "chat"),
    "openai.ChatCompletion.acreate": ("openai", "openai", "chat"),
    "openai.Completion.create": ("openai", "openai", "completion"),
    "openai.Completion.acreate": ("openai", "openai", "completion"),
    "openai.Embedding.create": ("openai", "openai", "embeddings"),
    "openai.FineTune.create": ("openai", "openai", "fine-tuning"),
    "openai.FineTuningJob.create": ("openai", "openai", "fine-tuning"),
    "openai.File.create": ("openai", "openai", "file"),
    "litellm.completion": ("litellm", None, "chat"), "litellm.acompletion": ("litellm", None, "chat"),
    "litellm.batch_completion": ("litellm", None, "batch"), "litellm.text_completion": ("litellm", None, "completion"),
    "litellm.embedding": ("litellm", None, "embeddings"),
    "cohere.chat": ("cohere", "cohere", "chat"),
}

# Method chains on a client: suffix of the attribute chain after the client -> api
CLIENT_METHODS: dict[str, str] = {
    "chat.completions.create": "chat", "chat.completions.parse": "chat", "beta.chat.completions.parse": "chat",
    "chat.completions.stream": "chat", "beta.chat.completions.stream": "chat",
    "completions.create": "completion", "responses.create": "responses", "responses.parse": "responses",
    "responses.stream": "responses",
    "batches.create": "batch", "files.create": "file", "fine_tuning.jobs.create": "fine-tuning",
    "embeddings.create": "embeddings",
    "messages.create": "chat", "messages.stream": "chat", "messages.batches.create": "batch",
    "beta.messages.create": "chat", "beta.messages.batches.create": "batch",
    "models.generate_content": "generate", "models.generate_content_stream": "generate",
    "aio.models.generate_content": "generate", "chats.create": "chat", "batches.create_batch": "batch",
    "chat.complete": "chat", "chat.complete_async": "chat", "chat.stream": "chat", "chat": "chat",
    "generate": "completion", "embed": "embeddings",
}
MODEL_OBJECT_METHODS = frozenset({"generate_content", "generate_content_async", "start_chat", "invoke", "ainvoke",
                                  "stream", "batch", "predict", "complete", "chat", "__call__"})

# Base URLs: the provider tables (rules/catalog/providers.yaml) say whose API a host is. A local
# or private host is a self-hosted server: the provider is then the maker of the model it serves.
LOCAL_HOST = re.compile(r"^(localhost|127\.\d+\.\d+\.\d+|0\.0\.0\.0|\[?::1\]?|10\.\d+\.\d+\.\d+|192\.168\.\d+\.\d+|"
                        r"172\.(1[6-9]|2\d|3[01])\.\d+\.\d+|host\.docker\.internal|[a-z0-9\-]+)$")


def provider_from_url(url: str | None) -> str | None:
    """The provider behind a base URL; `self-hosted` for local and private hosts; None if unknown."""
    if not url:
        return None
    text = url if "//" in url else "http://" + url
    host = (urlparse(text).hostname or "").lower()
    if not host:
        return None
    found = provider_from_host(host)
    if found:
        return found
    if LOCAL_HOST.match(host) or host.endswith((".local", ".internal", ".svc", ".cluster.local", ".lan")):
        return "self-hosted"
    return None


def split_model_prefix(model: str) -> tuple[str | None, str]:
    """`anthropic/claude-3-5-sonnet` -> ("anthropic", "claude-3-5-sonnet"); no known prefix -> (None, model)."""
    head, sep, rest = model.partition("/")
    known, provider = label_provider(head) if sep else (False, None)
    return (provider, rest) if known else (None, model)


# ------------------------------------------------------------------ training libraries

TRAINERS: dict[str, str] = {
    "transformers.Trainer": "transformers", "transformers.Seq2SeqTrainer": "transformers",
    "trl.SFTTrainer": "trl", "trl.DPOTrainer": "trl", "trl.ORPOTrainer": "trl", "trl.KTOTrainer": "trl",
    "trl.GRPOTrainer": "trl", "trl.RewardTrainer": "trl", "trl.PPOTrainer": "trl", "trl.CPOTrainer": "trl",
    "trl.GKDTrainer": "trl", "trl.trainer.SFTTrainer": "trl", "setfit.Trainer": "setfit",
    "setfit.SetFitTrainer": "setfit", "sentence_transformers.SentenceTransformerTrainer": "sentence-transformers",
}
TRAINING_ARGS = frozenset({"transformers.TrainingArguments", "transformers.Seq2SeqTrainingArguments",
                           "trl.SFTConfig", "trl.DPOConfig", "trl.ORPOConfig", "trl.KTOConfig", "trl.GRPOConfig",
                           "trl.RewardConfig", "setfit.TrainingArguments"})
PRETRAINED_PREFIXES = ("transformers.", "peft.", "unsloth.", "setfit.", "sentence_transformers.", "trl.")
SKLEARN_PREFIX = "sklearn."
ARG_PARSERS = frozenset({"argparse.ArgumentParser", "transformers.HfArgumentParser", "trl.TrlParser"})

# Data access: qualified name -> (mode, index or keyword of the path argument)
READERS: dict[str, str] = {
    "json.load": "handle", "pandas.read_json": "0", "pandas.read_csv": "0", "pandas.read_parquet": "0",
    "pandas.read_table": "0", "pandas.read_excel": "0", "datasets.load_from_disk": "0",
    "datasets.Dataset.from_json": "0", "datasets.Dataset.from_csv": "0", "datasets.Dataset.from_parquet": "0",
    "datasets.Dataset.load_from_disk": "0", "polars.read_json": "0", "polars.read_ndjson": "0",
    "polars.read_csv": "0", "polars.read_parquet": "0", "jsonlines.open": "0",
}
WRITER_METHODS = frozenset({"to_json", "to_csv", "to_parquet", "save_to_disk", "to_jsonl", "write_json",
                            "write_ndjson", "write_csv", "write_parquet"})
DATA_EXTENSIONS = (".json", ".jsonl", ".ndjson", ".csv", ".tsv", ".parquet", ".arrow", ".txt", ".pkl", ".jsonl.gz")
