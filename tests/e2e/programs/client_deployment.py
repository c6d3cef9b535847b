"""Client-level azure_deployment: Azure routes every request there, whatever model= says."""

import os

from openai import AzureOpenAI

client = AzureOpenAI(
    azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"],
    api_key=os.environ["AZURE_OPENAI_API_KEY"],
    api_version="2024-10-21",
    azure_deployment="gpt-4o-prod-01",
)


def ask(question: str) -> str:
    completion = client.chat.completions.create(
        model="gpt-4o",
        messages=[{"role": "user", "content": question}],
    )
    return completion.choices[0].message.content


first = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "Hi!"}])
print(first.choices[0].message.content)
print(ask("How are you?"))
