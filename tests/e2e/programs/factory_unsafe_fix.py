"""A factory returns a client with a client-level deployment, and one of its clients is stored where the tool can't
follow it (AOAI105 out of sight); every caller passes the deployment as model=, so the unsafe fix (--unsafe-fixes)
keeps each request on its deployment."""

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
CLIENTS = {"chat": get_chat_client()}  # stored where the tool can't follow it: the safe fix does not apply
print(CLIENTS["chat"].chat.completions.create(model="gpt-4o-prod-01", messages=[]).choices[0].message.content)
