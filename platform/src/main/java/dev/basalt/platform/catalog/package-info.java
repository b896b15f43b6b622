/**
 * The models Basalt serves: registration (from {@code basalt serve --model ID=PATH} for now), lookup by id or by
 * any of the ARN forms Bedrock accepts, and what the catalog APIs report about each.
 */
package dev.basalt.platform.catalog;
