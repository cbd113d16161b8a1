"""Provider SDK calls by AST, old and new, and where their model names come from."""

from __future__ import annotations

from pathlib import Path

import pytest

from compliance.sources.discover import discover
from tests.discover.conftest import write_tree


def calls(tmp_path: Path, files: dict[str, str]) -> list[tuple[str, str | None, str, str]]:
    result = discover(write_tree(tmp_path, files))
    return sorted((u.provider, u.model, u.call.api, f"{u.call.loc.path}:{u.call.loc.line}") for u in result.linker.uses)


CASES = {
    "openai v0": ("import openai\nopenai.ChatCompletion.create(model='gpt-3.5-turbo', messages=[])\n"
                  "openai.Completion.create(engine='text-davinci-003', prompt='x')\n",
                  {("openai", "gpt-3.5-turbo", "chat"), ("openai", "text-davinci-003", "completion")}),
    "openai v1 async and responses": ("from openai import AsyncOpenAI\nclient = AsyncOpenAI()\n"
                                      "async def f():\n    await client.responses.create(model='gpt-4.1', input='hi')\n",
                                      {("openai", "gpt-4.1", "responses")}),
    "azure": ("from openai import AzureOpenAI\nc = AzureOpenAI(azure_endpoint='https://acme.openai.azure.com')\n"
              "c.chat.completions.create(model='gpt-4o', messages=[])\n", {("openai", "gpt-4o", "chat")}),
    "batch and fine-tuning": ("from openai import OpenAI\nclient = OpenAI()\n"
                              "f = client.files.create(file=open('requests.jsonl', 'rb'), purpose='batch')\n"
                              "body = {'custom_id': 'a', 'body': {'model': 'gpt-4o-mini'}}\n"
                              "client.batches.create(input_file_id=f.id, endpoint='/v1/chat/completions', completion_window='24h')\n"
                              "client.fine_tuning.jobs.create(model='gpt-4o-mini-2024-07-18', training_file='file-1')\n",
                              {("openai", "gpt-4o-mini", "batch-file"), ("openai", "gpt-4o-mini", "batch"),
                               ("openai", "gpt-4o-mini-2024-07-18", "fine-tuning")}),
    "anthropic": ("import anthropic\nc = anthropic.Anthropic()\nc.messages.create(model='claude-3-haiku-20240307', max_tokens=5, messages=[])\n",
                  {("anthropic", "claude-3-haiku-20240307", "chat")}),
    "google.generativeai": ("import google.generativeai as genai\nm = genai.GenerativeModel('gemini-1.5-pro')\nm.generate_content('hi')\n",
                            {("google", "gemini-1.5-pro", "generate")}),
    "google.genai": ("from google import genai\nclient = genai.Client()\nclient.models.generate_content(model='gemini-2.0-flash', contents='x')\n",
                     {("google", "gemini-2.0-flash", "generate")}),
    "vertexai": ("from vertexai.generative_models import GenerativeModel\nGenerativeModel('gemini-1.5-flash').generate_content('x')\n",
                 {("google", "gemini-1.5-flash", "generate")}),
    "mistral": ("from mistralai import Mistral\nc = Mistral(api_key='k')\nc.chat.complete(model='mistral-large-latest', messages=[])\n",
                {("mistral", "mistral-large-latest", "chat")}),
    "cohere": ("import cohere\nco = cohere.ClientV2()\nco.chat(model='command-r-plus', messages=[])\n", {("cohere", "command-r-plus", "chat")}),
    "groq": ("from groq import Groq\nc = Groq()\nc.chat.completions.create(model='llama-3.1-8b-instant', messages=[])\n",
             {("groq", "llama-3.1-8b-instant", "chat")}),
    "together": ("from together import Together\nc = Together()\nc.chat.completions.create(model='meta-llama/Llama-3.3-70B-Instruct-Turbo', messages=[])\n",
                 {("together", "meta-llama/Llama-3.3-70B-Instruct-Turbo", "chat")}),
    "litellm prefix": ("import litellm\nlitellm.completion(model='anthropic/claude-3-5-sonnet-20241022', messages=[])\n",
                       {("anthropic", "anthropic/claude-3-5-sonnet-20241022", "chat")}),
    "langchain": ("from langchain_openai import ChatOpenAI\nllm = ChatOpenAI(model='gpt-4o')\nllm.invoke('hi')\n",
                  {("openai", "gpt-4o", "generate")}),
    "llama_index": ("from llama_index.llms.openai import OpenAI\nllm = OpenAI(model='gpt-4')\nllm.complete('x')\n",
                    {("openai", "gpt-4", "generate")}),
    "dspy": ("import dspy\nlm = dspy.LM('openai/gpt-4o-mini')\ndspy.configure(lm=lm)\n", {("openai", "openai/gpt-4o-mini", "generate")}),
    "groq through an OpenAI client": ("from openai import OpenAI\nc = OpenAI(base_url='https://api.groq.com/openai/v1')\n"
                                      "c.chat.completions.create(model='llama-3.3-70b-versatile', messages=[])\n",
                                      {("groq", "llama-3.3-70b-versatile", "chat")}),
    "deepseek platform": ("from openai import OpenAI\nc = OpenAI(base_url='https://api.deepseek.com')\n"
                          "c.chat.completions.create(model='deepseek-reasoner', messages=[])\n", {("deepseek", "deepseek-reasoner", "chat")}),
    "local vLLM server": ("from openai import OpenAI\nc = OpenAI(base_url='http://127.0.0.1:8000/v1', api_key='x')\n"
                          "c.chat.completions.create(model='deepseek-ai/DeepSeek-R1', messages=[])\n",
                          {("deepseek", "deepseek-ai/DeepSeek-R1", "chat")}),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_sdk_calls(tmp_path: Path, name: str) -> None:
    code, expected = CASES[name]
    found = {(p, m, api) for p, m, api, _ in calls(tmp_path, {"app.py": code})}
    assert found == expected


def test_model_names_from_constants_defaults_argparse_env_config_and_imports(tmp_path: Path) -> None:
    files = {
        "settings.py": "JUDGE = 'gpt-4-turbo'\n",
        "config.yaml": "gen:\n  model: claude-3-opus-20240229\n",
        "run.py": """
            import argparse, os, yaml
            import anthropic
            from openai import OpenAI
            from settings import JUDGE
            MODEL = "gpt-4o"
            client = OpenAI()
            claude = anthropic.Anthropic()
            with open("config.yaml") as f:
                cfg = yaml.safe_load(f)
            parser = argparse.ArgumentParser()
            parser.add_argument("--model", default="gpt-4o-mini")
            args = parser.parse_args()

            def constant():
                return client.chat.completions.create(model=MODEL, messages=[])

            def default(model="gpt-3.5-turbo"):
                return client.chat.completions.create(model=model, messages=[])

            def option():
                return client.chat.completions.create(model=args.model, messages=[])

            def env():
                return client.chat.completions.create(model=os.environ.get("M", "o1-mini"), messages=[])

            def config():
                return claude.messages.create(model=cfg["gen"]["model"], max_tokens=1, messages=[])

            def imported():
                return client.chat.completions.create(model=JUDGE, messages=[])
        """,
    }
    models = {m for _, m, _, _ in calls(tmp_path, files)}
    assert models == {"gpt-4o", "gpt-3.5-turbo", "gpt-4o-mini", "o1-mini", "claude-3-opus-20240229", "gpt-4-turbo"}


def test_shell_script_overrides_an_option_default(tmp_path: Path) -> None:
    files = {
        "gen.py": "import argparse\nfrom openai import OpenAI\np = argparse.ArgumentParser()\np.add_argument('--model', default='gpt-4o')\n"
                  "a = p.parse_args()\nOpenAI().chat.completions.create(model=a.model, messages=[])\n",
        "run.sh": "python gen.py --model gpt-4.1-mini\n",
    }
    result = discover(write_tree(tmp_path, files))
    (use,) = result.linker.uses
    assert use.model == "gpt-4.1-mini" and use.model_value.loc.path == "run.sh"


def test_unreadable_base_url_falls_back_to_the_model(tmp_path: Path) -> None:
    code = ("import os\nfrom openai import OpenAI\nc = OpenAI(base_url=os.environ['LLM_URL'])\n"
            "c.chat.completions.create(model='Qwen/Qwen2.5-7B-Instruct', messages=[])\n")
    ((provider, model, _, _),) = calls(tmp_path, {"x.py": code})
    assert provider == "qwen" and model == "Qwen/Qwen2.5-7B-Instruct"


def test_syntax_errors_are_reported_not_fatal(tmp_path: Path) -> None:
    result = discover(write_tree(tmp_path, {"broken.py": "import openai\ndef (:\n", "ok.py": "import openai\nopenai.Completion.create(model='gpt-3.5-turbo-instruct')\n"}))
    assert result.found.unparsable == ["broken.py"]
    assert [u.model for u in result.linker.uses] == ["gpt-3.5-turbo-instruct"]
