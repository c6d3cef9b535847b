"""LangChain on the dated API with the base model's name read at run time, here "gpt-4o": the Azure class then sent
parallel_tool_calls with structured output (it withholds it for any other model); the migrated object must too."""

import os

from langchain_openai import AzureChatOpenAI
from pydantic import BaseModel


class Greeting(BaseModel):
    text: str
    polite: bool


llm = AzureChatOpenAI(
    azure_deployment="gpt-4o-prod-01",
    api_version="2024-10-21",
    model=os.environ["CHAT_MODEL"],
    temperature=0,
)
print(llm.with_structured_output(Greeting, method="function_calling").invoke("Greet me"))
