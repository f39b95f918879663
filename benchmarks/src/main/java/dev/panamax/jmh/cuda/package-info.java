/**
 * JMH benchmark of an empty-kernel launch through the Panamax device, through our raw driver
 * bindings and through JCuda, on the same GPU and fatbin. Without a GPU every setup fails with
 * the reason and {@code main} prints it: no figure is produced where nothing ran.
 */
package dev.panamax.jmh.cuda;
