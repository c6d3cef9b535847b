"""The settings dict is handed to another function before the client is built, which may change its keys: the
tool leaves the client on the dated API and reports it."""

import os

from openai import AzureOpenAI


def add_defaults(args: dict) -> None:
    args.setdefault("max_retries", 0)


client_args = {"api_key": os.environ["AZURE_OPENAI_API_KEY"]}
add_defaults(client_args)
client = AzureOpenAI(azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"], api_version="2024-10-21", **client_args)
reply = client.chat.completions.create(model="gpt-4o-prod-01", messages=[{"role": "user", "content": "Hi"}])
print(reply.choices[0].message.content)
