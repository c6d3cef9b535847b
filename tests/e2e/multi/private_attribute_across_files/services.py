"""Keeps the chat client on a shared object, as a web app keeps it on its blueprint or its state."""

import os
from types import SimpleNamespace

from openai import AzureOpenAI

state = SimpleNamespace()


def configure() -> None:
    state.chat_client = AzureOpenAI(
        azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"],
        api_key=os.environ["AZURE_OPENAI_API_KEY"],
        api_version="2024-10-21",
    )


def ask(question: str) -> str:
    reply = state.chat_client.chat.completions.create(
        model="gpt-4o-prod-01", messages=[{"role": "user", "content": question}]
    )
    return reply.choices[0].message.content or ""
