"""Client-level deployments given as names bound once (a module constant read from the environment with a
default, a function parameter, self.<attr> assigned in __init__ before the client), used by requests elsewhere:
each request gets the value the client had."""

import os

from openai import AzureOpenAI

EMBEDDING_DEPLOYMENT = os.environ.get("E2E_EMBEDDING_DEPLOYMENT", "text-embedding-3-small")

embedder = AzureOpenAI(
    azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"],
    api_key=os.environ["AZURE_OPENAI_API_KEY"],
    api_version="2024-10-21",
    azure_deployment=EMBEDDING_DEPLOYMENT,
)


def embed(text: str) -> int:
    return len(embedder.embeddings.create(model="text-embedding-ada-002", input=text).data)


def answer(question: str, deployment: str) -> str:
    client = AzureOpenAI(
        azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"],
        api_key=os.environ["AZURE_OPENAI_API_KEY"],
        api_version="2024-10-21",
        azure_deployment=deployment,
    )
    reply = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": question}])
    return reply.choices[0].message.content or ""


class Assistant:
    def __init__(self) -> None:
        self.deployment = "gpt-4o-staging"
        self.client = AzureOpenAI(
            azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"],
            api_key=os.environ["AZURE_OPENAI_API_KEY"],
            api_version="2024-10-21",
            azure_deployment=self.deployment,
        )

    def ask(self, question: str) -> str:
        reply = self.client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": question}])
        return reply.choices[0].message.content or ""


print(embed("one"), answer("two?", "gpt-4o-prod-01"), Assistant().ask("three?"))
