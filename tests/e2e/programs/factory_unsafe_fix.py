"""A factory returns a client with a client-level deployment (AOAI105 out of sight); every caller passes the
deployment as model=, so the unsafe fix (--unsafe-fixes) keeps each request on its deployment."""

import os

from openai import AzureOpenAI


def get_chat_client():
    return AzureOpenAI(
        azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"],
        api_key=os.environ["AZURE_OPENAI_API_KEY"],
        api_version="2024-10-21",
        azure_deployment="gpt-4o-prod-01",
    )


def ask(question: str) -> str:
    chat = get_chat_client()
    completion = chat.chat.completions.create(
        model="gpt-4o-prod-01",
        messages=[{"role": "user", "content": question}],
    )
    return completion.choices[0].message.content


print(ask("Hi!"))
print(get_chat_client().chat.completions.create(model="gpt-4o-prod-01", messages=[]).choices[0].message.content)
