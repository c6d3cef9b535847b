"""A client with no arguments: endpoint, key and api-version all come from the environment."""

from openai import AzureOpenAI

client = AzureOpenAI()
completion = client.chat.completions.create(
    model="gpt-4o-prod-01",
    messages=[{"role": "user", "content": "Hello from the environment."}],
)
print(completion.choices[0].message.content)
