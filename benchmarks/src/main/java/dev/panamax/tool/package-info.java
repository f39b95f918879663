/** The {@code panamax} command line: devices, bench, test, bundle. */
package dev.panamax.tool;
