/**
 * Protocol Buffers ({@code protobuf}, id 22) for protoc-generated message types, in the format
 * of Apache Dubbo's protobuf serialization: every value a length-delimited message.
 */
package dev.ferry.serialization.protobuf;
