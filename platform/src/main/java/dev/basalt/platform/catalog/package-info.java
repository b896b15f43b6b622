/**
 * The models Basalt serves: the persistent catalog ({@link dev.basalt.platform.catalog.ModelCatalog}, the
 * {@code models} table; {@link dev.basalt.platform.catalog.ModelImport} puts files in and takes them out) and the
 * runtime {@link dev.basalt.platform.catalog.ModelRegistry}, which offers catalogued and {@code --model} models by id
 * or ARN, loads them on first use within a memory budget and unloads idle ones, least recently used first.
 */
package dev.basalt.platform.catalog;
