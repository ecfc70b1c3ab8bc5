/**
 * Serializations and the class allowlist: {@link dev.ferry.serialization.Serializations} finds
 * the installed {@link dev.ferry.api.spi.Serialization}s by id and name,
 * {@link dev.ferry.serialization.DefaultClassAllowlist} decides which classes received bytes may
 * create, and {@link dev.ferry.serialization.ClassRefusedException} reports a refusal.
 */
package dev.ferry.serialization;
