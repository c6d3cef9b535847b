"""copy() and with_options() of a dated client with their own api_version and credentials, through a name, a
chain and an attribute: each copy's requests keep their deployment and their credential."""

import os

from openai import AzureOpenAI


def token_provider() -> str:
    return os.environ["E2E_ENTRA_TOKEN"]


client = AzureOpenAI(
    azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"],
    api_key=os.environ["AZURE_OPENAI_API_KEY"],
    api_version="2024-10-21",
)
preview = client.with_options(api_version="2025-03-01-preview", timeout=20.0)
first = preview.chat.completions.create(model="gpt-4o-prod-01", messages=[{"role": "user", "content": "Hi"}])

entra = client.copy(azure_ad_token_provider=token_provider, api_key=None)
vectors = entra.embeddings.create(model="text-embedding-3-small", input="Hi")

second = client.with_options(max_retries=1, api_version="2024-06-01").chat.completions.create(
    model="gpt-4o-mini-eu", messages=[{"role": "user", "content": "Again"}]
)


class Reporter:
    def __init__(self) -> None:
        self.client = client.with_options(default_query={"api-version": "2024-10-21", "team": "search"})

    def report(self) -> str:
        answer = self.client.copy(azure_ad_token=os.environ["E2E_ENTRA_TOKEN"]).chat.completions.create(
            model="gpt-4o-staging", messages=[{"role": "user", "content": "Report"}]
        )
        return answer.choices[0].message.content or ""


print(first.choices[0].message.content, len(vectors.data), second.choices[0].message.content)
print(Reporter().report())
