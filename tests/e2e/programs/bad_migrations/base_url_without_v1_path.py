"""A hand migration that points OpenAI at the resource endpoint without /openai/v1/: every request 404s."""

import os

from openai import OpenAI

client = OpenAI(base_url=os.environ["AZURE_OPENAI_ENDPOINT"], api_key=os.environ["AZURE_OPENAI_API_KEY"])
answer = client.chat.completions.create(model="gpt-4o-prod-01", messages=[{"role": "user", "content": "Ping?"}])
print(answer.choices[0].message.content)
