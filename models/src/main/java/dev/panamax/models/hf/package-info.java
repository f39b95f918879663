/**
 * The Hugging Face side of {@code CausalLM}, not exported: the readers of a checkpoint
 * ({@link dev.panamax.models.hf.Json} for config.json and the safetensors headers,
 * {@link dev.panamax.models.hf.LlamaConfig}, {@link dev.panamax.models.hf.SafeTensors}, which maps
 * the files with FFM and hands slices of the mapping to the device), the Llama-family forward pass
 * ({@link dev.panamax.models.hf.LlamaModel}) and the writer of seeded random checkpoints
 * ({@link dev.panamax.models.hf.ModelMaker}) that the {@code panamax make-model} command and the
 * tests use.
 *
 * <p>Ownership: a {@code LlamaModel} owns its weight tensors and frees them on close; a
 * {@code Session} owns its KV caches and work buffers; a {@code SafeTensors} owns the mappings of
 * its files, which live until it is closed (the loader closes it once every weight is on the
 * device).
 */
package dev.panamax.models.hf;
