/**
 * Internal, not exported: the one implementation of Device and Tensor, the validation helpers,
 * and the backend contract ({@link dev.panamax.internal.BackendProvider},
 * {@link dev.panamax.internal.BackendDevice}, {@link dev.panamax.internal.Kernels}).
 *
 * <p>Ownership: {@link dev.panamax.internal.Allocation} is the only owner of a backend
 * {@link dev.panamax.internal.Memory} and the only caller of {@code BackendDevice.free}; it frees
 * once, after the last of its tensors (the one it was made for and every view of it) closed and
 * the last lease ended. A view's memory ({@code BackendDevice.view}) owns nothing.
 * {@link dev.panamax.internal.Devices} owns the backend devices, one per spec for the life of the
 * JVM; {@link dev.panamax.internal.DeviceHandle}s own their tensors, views included.
 */
package dev.panamax.internal;
