"""The language model: one engine that owns llama.cpp, the prompts, and the model catalog."""
