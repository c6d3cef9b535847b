"""A client-level deployment reached through copies (a name, a chain, self.<attr>): Azure sent every
deployment-route request of a copy to the client's deployment, whatever model= said."""

import os

from openai import AzureOpenAI

CHAT_DEPLOYMENT = "gpt-4o-mini-eu"

client = AzureOpenAI(
    azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"],
    api_key=os.environ["AZURE_OPENAI_API_KEY"],
    api_version="2024-10-21",
    azure_deployment=CHAT_DEPLOYMENT,
)
patient = client.with_options(timeout=60.0, api_version="2025-03-01-preview")
first = patient.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "Hi"}])
second = client.copy(max_retries=0).chat.completions.create(
    model="gpt-4o", messages=[{"role": "user", "content": "Hey"}]
)


class Bot:
    def __init__(self) -> None:
        self.client = client.with_options(timeout=30.0)

    def ask(self) -> str:
        answer = self.client.chat.completions.create(model="gpt-35-turbo", messages=[{"role": "user", "content": "?"}])
        return answer.choices[0].message.content or ""


print(first.choices[0].message.content, second.choices[0].message.content, Bot().ask())
