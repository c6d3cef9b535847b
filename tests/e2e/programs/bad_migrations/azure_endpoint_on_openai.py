"""The class renamed, azure_endpoint kept: OpenAI takes no azure_endpoint (TypeError)."""

import os

from openai import OpenAI

client = OpenAI(azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"], api_key=os.environ["AZURE_OPENAI_API_KEY"])
answer = client.chat.completions.create(model="gpt-4o-prod-01", messages=[{"role": "user", "content": "Ping?"}])
print(answer.choices[0].message.content)
