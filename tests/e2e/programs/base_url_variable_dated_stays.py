"""A base URL from a variable with a dated api_version: the variable may hold a dated URL (here it does), so the
tool leaves the client on the dated API and reports it."""

import os

from openai import AzureOpenAI

client = AzureOpenAI(
    base_url=os.environ["AZURE_OPENAI_BASE_URL"],
    api_key=os.environ["AZURE_OPENAI_API_KEY"],
    api_version="2024-10-21",
)
reply = client.chat.completions.create(model="gpt-4o-prod-01", messages=[{"role": "user", "content": "Hi"}])
print(reply.choices[0].message.content)
