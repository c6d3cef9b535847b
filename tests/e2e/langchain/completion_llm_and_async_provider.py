"""LangChain on the dated API: the completion LLM with its key, and a chat model whose only credential is an
async token provider, used through its async methods alone."""

import asyncio
import os

from langchain_openai import AzureChatOpenAI, AzureOpenAI

llm = AzureOpenAI(azure_deployment="gpt-4o-mini-eu", model="gpt-35-turbo-instruct", api_version="2024-10-21",
                  max_tokens=20)
print(llm.invoke("Complete this"))


async def token() -> str:
    await asyncio.sleep(0)
    return os.environ["E2E_ENTRA_TOKEN"]  # stands in for azure.identity.aio's get_bearer_token_provider(...)


chat = AzureChatOpenAI(
    azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"],
    azure_deployment="gpt-4o-staging",
    api_version="2024-10-21",
    azure_ad_async_token_provider=token,
)


async def main() -> None:
    print((await chat.ainvoke("Hi")).content)
    print("".join([str(chunk.content) async for chunk in chat.astream("Stream")]))


asyncio.run(main())
