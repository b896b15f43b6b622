/**
 * Running a conversation on a registered model, independent of the wire protocol: Bedrock's conversation rules,
 * prompt rendering through the model's chat template, generation and usage accounting.
 */
package dev.basalt.platform.runtime;
