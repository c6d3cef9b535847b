"""The module-level client configured for Azure; the key comes from AZURE_OPENAI_API_KEY implicitly."""

import os

import openai

DEPLOYMENT = "gpt-4o-prod-01"

openai.api_type = "azure"
openai.azure_endpoint = os.environ["AZURE_OPENAI_ENDPOINT"]
openai.api_version = "2024-06-01"

completion = openai.chat.completions.create(
    model=DEPLOYMENT,
    messages=[{"role": "user", "content": "Say something nice."}],
)
print(completion.choices[0].message.content)
