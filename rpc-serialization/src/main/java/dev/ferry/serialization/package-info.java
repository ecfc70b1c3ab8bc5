/**
 * Serializations and the class allowlist: {@link dev.ferry.serialization.Serializations} finds
 * the installed {@link dev.ferry.api.spi.Serialization}s by id and name (hessian2 2, java 3,
 * protobuf 22, fastjson2 23, as Apache Dubbo's),
 * {@link dev.ferry.serialization.DefaultClassAllowlist} decides which classes received bytes may
 * create, {@link dev.ferry.serialization.ClassRefusedException} reports a refusal, and
 * {@link dev.ferry.serialization.AllowlistCache} keeps a serialization's reader state per
 * allowlist.
 */
package dev.ferry.serialization;
