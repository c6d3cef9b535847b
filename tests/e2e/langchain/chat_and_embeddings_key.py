"""LangChain on the dated API with the resource's key from the environment: chat (invoke, ainvoke, streaming,
structured output) and embeddings that send text (no token counting)."""

import asyncio

from langchain_openai import AzureChatOpenAI, AzureOpenAIEmbeddings
from pydantic import BaseModel


class Greeting(BaseModel):
    text: str
    polite: bool


llm = AzureChatOpenAI(azure_deployment="gpt-4o-prod-01", api_version="2024-10-21", temperature=0, max_tokens=50)
print(llm.invoke("Say hello").content)
print(asyncio.run(llm.ainvoke("Say hello again")).content)
print("".join(str(chunk.content) for chunk in llm.stream("Stream a hello")))
print(llm.with_structured_output(Greeting).invoke("Greet me"))

embeddings = AzureOpenAIEmbeddings(
    azure_deployment="text-embedding-3-small",
    model="text-embedding-3-small",
    openai_api_version="2024-10-21",
    check_embedding_ctx_length=False,
)
print(len(embeddings.embed_query("hello")))
print([len(vector) for vector in embeddings.embed_documents(["first text", "second text"])])
