"""`import openai as oa` and the Azure client through the alias, also in an annotation."""

import os

import openai as oa


def summarize(client: oa.AzureOpenAI, text: str) -> str:
    completion = client.chat.completions.create(
        model="gpt-4o-prod-01",
        messages=[
            {"role": "system", "content": "Summarise the text in one line."},
            {"role": "user", "content": text},
        ],
    )
    return completion.choices[0].message.content


azure = oa.AzureOpenAI(
    azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"],
    api_key=os.environ["AZURE_OPENAI_API_KEY"],
    api_version="2024-10-21",
)
print(summarize(azure, "Migrations are easier with a codemod."))
