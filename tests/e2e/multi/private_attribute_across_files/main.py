"""Reads the stored client's api-version through its private attribute: this file never names Azure OpenAI."""

import services

services.configure()
print("api-version:", services.state.chat_client._api_version)
print(services.ask("Hi!"))
