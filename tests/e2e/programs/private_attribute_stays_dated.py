"""The client's private _api_version is handed to another component: OpenAI has no such attribute, so the tool
leaves the client on the dated API and reports the read."""

import os

from openai import AzureOpenAI


class Settings:
    def __init__(self, api_version: str) -> None:
        self.api_version = api_version


client = AzureOpenAI(
    azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"],
    api_key=os.environ["AZURE_OPENAI_API_KEY"],
    api_version="2024-10-21",
)
settings = Settings(client._api_version)
reply = client.chat.completions.create(model="gpt-4o-prod-01", messages=[{"role": "user", "content": "Hi"}])
print(settings.api_version, reply.choices[0].message.content)
