"""The class renamed, the Entra ID provider argument kept: OpenAI takes no azure_ad_token_provider (TypeError)."""

import os

from openai import OpenAI


def token_provider() -> str:  # stands in for azure.identity.get_bearer_token_provider(...)
    return os.environ["E2E_ENTRA_TOKEN"]


client = OpenAI(
    base_url=os.environ["AZURE_OPENAI_ENDPOINT"].rstrip("/") + "/openai/v1/",
    azure_ad_token_provider=token_provider,
)
answer = client.chat.completions.create(model="gpt-4o-prod-01", messages=[{"role": "user", "content": "Ping?"}])
print(answer.choices[0].message.content)
