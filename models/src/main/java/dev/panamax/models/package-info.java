/**
 * Whole models on the public Panamax API: a sentence encoder (BERT-family ONNX models with their
 * WordPiece tokenizer) and a causal language model (Hugging Face Llama, Mistral and Mixtral
 * checkpoints in safetensors). Every tensor of a forward pass stays on the chosen device; the host
 * sees token ids going in and the final embeddings or logits coming out.
 */
package dev.panamax.models;
