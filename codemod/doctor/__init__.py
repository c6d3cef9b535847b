"""`aoai-migrate doctor`: a live pre-flight check of an Azure OpenAI resource against the code. The only part
of aoai-migrate that uses the network or imports `openai` (and only when the command runs); the command itself is
codemod/doctor/command.py."""
