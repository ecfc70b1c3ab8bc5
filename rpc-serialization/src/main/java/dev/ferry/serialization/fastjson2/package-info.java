/**
 * fastjson2 ({@code fastjson2}, id 23): JSONB values with a length prefix, wire-compatible with
 * Apache Dubbo 3.3, with fastjson2's autoType off and every type name in the bytes checked
 * against the class allowlist before it is loaded.
 */
package dev.ferry.serialization.fastjson2;
