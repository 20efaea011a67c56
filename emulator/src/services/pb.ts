/**
 * Wire format spoken between wx-server-sdk and CloudBase for `cloud.openapi.*`.
 *
 * wx-server-sdk ships protobufjs static code (src/protobuf/openapi.js) but no .proto file,
 * so this schema is transcribed from its generated encoders: every tag below must equal the
 * `id N` of the SDK's `writer.uint32(...)` calls. test/emulator/services.test.ts pins it
 * against the SDK's own generated classes, so an SDK upgrade that changes the protocol
 * fails there rather than as a silent mis-decode.
 */
import * as protobuf from 'protobufjs';

export const OPENAPI_PROTO = `
syntax = "proto3";

message KeyValuePair {
  string key = 1;
  bytes value = 2;
  string contenttype = 3;
  string filename = 4;
}

message OpenApiData {
  repeated KeyValuePair pairs = 1;
}

message TokenApiData {
  string resourceAppid = 1;
  string resourceEnv = 2;
}

enum HTTP_METHODS {
  HTTP_UNSPECIFIED = 0;
  HTTP_GET = 1;
  HTTP_POST = 2;
  HTTP_PUT = 3;
  HTTP_DELETE = 4;
  HTTP_HEAD = 5;
  HTTP_PATCH = 6;
}

message InnerApiData {
  uint32 modid = 1;
  uint32 cmdid = 2;
  string url = 3;
  bool useHttps = 4;
  HTTP_METHODS method = 5;
  repeated string headers = 6;
  bytes body = 7;
}

message SvrkitApiData {
  string apiName = 1;
  bytes reqData = 2;
}

message CommApiData {
  enum ApiType {
    OPEN_API = 0;
    INNER_API = 1;
    SVRKIT_API = 2;
    TOKEN_API = 3;
  }
  ApiType apiType = 1;
  OpenApiData openapiData = 2;
  InnerApiData innerData = 3;
  SvrkitApiData svrkitData = 4;
  TokenApiData tokenData = 5;
  string appid = 6;
}

message HttpHeader {
  string key = 1;
  string value = 2;
}

message CommOpenApiResp {
  bytes respData = 1;
  string contentType = 2;
  int32 errorCode = 3;
  uint32 httpCode = 4;
  repeated HttpHeader headers = 5;
  int32 svrkitErrorCode = 6;
}
`;

// keepCase: the SDK's field names are already camelCase (and `contenttype` is lowercase);
// protobufjs must not re-case them or decoded objects would not line up with the SDK's.
const root = protobuf.parse(OPENAPI_PROTO, { keepCase: true }).root;

export const CommApiDataType = root.lookupType('CommApiData');
export const CommOpenApiRespType = root.lookupType('CommOpenApiResp');

export const API_TYPE = { OPEN_API: 0, INNER_API: 1, SVRKIT_API: 2, TOKEN_API: 3 } as const;

export interface OpenApiPair {
  key: string;
  value: Buffer;
  contenttype?: string;
  filename?: string;
}

export interface DecodedApiRequest {
  apiType: number;
  appid: string;
  pairs: OpenApiPair[];
}

export interface OpenApiResponse {
  respData: Buffer;
  contentType: string;
  /** Non-zero means a WeChat *system* error; wx-server-sdk throws before reading respData. */
  errorCode?: number;
  httpCode?: number;
}

export function decodeCommApiData(buf: Uint8Array): DecodedApiRequest {
  const msg = CommApiDataType.toObject(CommApiDataType.decode(buf), {
    defaults: true,
    enums: Number,
    bytes: Buffer,
    arrays: true,
  }) as {
    apiType: number;
    appid: string;
    openapiData?: {
      pairs: { key: string; value: Buffer; contenttype: string; filename: string }[];
    };
  };
  const pairs = (msg.openapiData?.pairs ?? []).map((p) => {
    const pair: OpenApiPair = { key: p.key, value: Buffer.from(p.value) };
    if (p.contenttype) pair.contenttype = p.contenttype;
    if (p.filename) pair.filename = p.filename;
    return pair;
  });
  return { apiType: msg.apiType, appid: msg.appid, pairs };
}

export function encodeCommOpenApiResp(resp: OpenApiResponse): Buffer {
  const payload: Record<string, unknown> = {
    respData: resp.respData,
    contentType: resp.contentType,
  };
  if (resp.errorCode) payload.errorCode = resp.errorCode;
  if (resp.httpCode) payload.httpCode = resp.httpCode;
  const err = CommOpenApiRespType.verify(payload);
  if (err) throw new Error(`CommOpenApiResp: ${err}`);
  return Buffer.from(CommOpenApiRespType.encode(CommOpenApiRespType.fromObject(payload)).finish());
}

/**
 * Params arrive as key → JSON bytes (json-bigint on the SDK side). Media params (a
 * `{contentType, value: Buffer}` object in the call) arrive as raw bytes instead and are
 * kept as a Buffer. Integers beyond 2^53 lose precision here; no emulated API takes one.
 */
export function pairsToParams(pairs: OpenApiPair[]): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const p of pairs) {
    if (p.contenttype || p.filename) {
      params[p.key] = { contentType: p.contenttype, fileName: p.filename, value: p.value };
      continue;
    }
    const text = p.value.toString('utf8');
    try {
      params[p.key] = JSON.parse(text);
    } catch {
      params[p.key] = p.value;
    }
  }
  return params;
}
