"""A small app written for Azure OpenAI's dated API, as many teams have it today."""

import os

from azure.identity import DefaultAzureCredential, get_bearer_token_provider
from openai import AzureOpenAI

token_provider = get_bearer_token_provider(
    DefaultAzureCredential(), "https://cognitiveservices.azure.com/.default"
)

client = AzureOpenAI(
    azure_endpoint=os.getenv("AZURE_OPENAI_ENDPOINT"),  # https://RESOURCE.openai.azure.com/
    azure_ad_token_provider=token_provider,
    api_version="2024-02-01",
)


def ask(question: str) -> str:
    completion = client.chat.completions.create(
        model="gpt-4o-prod-01",  # the deployment name from the Azure portal
        messages=[{"role": "user", "content": question}],
    )
    return completion.choices[0].message.content


if __name__ == "__main__":
    print(ask("What changed in the Azure OpenAI v1 API?"))
