"""Uses the factory of llm.py from another file: a local client and one kept on an object."""

from llm import get_client


class Assistant:
    def __init__(self) -> None:
        self.client = get_client()

    def ask(self, question: str) -> str:
        reply = self.client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": question}])
        return reply.choices[0].message.content


chat = get_client()
first = chat.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "Hi!"}])
print(first.choices[0].message.content)
print(Assistant().ask("How are you?"))
