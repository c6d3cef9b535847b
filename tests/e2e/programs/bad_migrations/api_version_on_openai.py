"""AzureOpenAI renamed to OpenAI with api_version left in place: TypeError when the client is built."""

import os

from openai import OpenAI

client = OpenAI(
    base_url=os.environ["AZURE_OPENAI_ENDPOINT"].rstrip("/") + "/openai/v1/",
    api_key=os.environ["AZURE_OPENAI_API_KEY"],
    api_version=os.environ["OPENAI_API_VERSION"],
)
answer = client.chat.completions.create(model="gpt-4o-prod-01", messages=[{"role": "user", "content": "Ping?"}])
print(answer.choices[0].message.content)
