"""The commands: each parses nothing itself (codemod/cli.py does), runs the layers below, and prints."""
