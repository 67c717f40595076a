"""Messages of RFC 3161 time-stamping (randcheck/core/tsa.py, randcheck/services/timestamp.py)."""

MESSAGES: dict[str, dict[str, str]] = {
    # the named check (core.tsa.check)
    "tsa.anchored": {
        "zh": "时间戳机构 {tsa} 于 {time} 证明该承诺当时已存在（证书指纹 {fingerprint}）",
        "en": "the time-stamping authority {tsa} attests that the commitment existed at {time} (certificate fingerprint {fingerprint})",
    },
    "tsa.unverified_tsa": {
        "zh": "时间戳令牌自身有效（{tsa}，{time}），但未提供受信任的时间戳机构证书，无法确认该机构（证书指纹 {fingerprint}）",
        "en": "the timestamp token is valid in itself ({tsa}, {time}), but no trusted TSA certificate was given, so the authority is unconfirmed (certificate fingerprint {fingerprint})",
    },
    # structure
    "tsa.malformed": {
        "zh": "时间戳数据无法解析（{part}）：{reason}",
        "en": "the timestamp data cannot be parsed ({part}): {reason}",
    },
    "tsa.not_signed_data": {
        "zh": "时间戳令牌不是 CMS SignedData（内容类型 {content_type}）",
        "en": "the timestamp token is not CMS SignedData (content type {content_type})",
    },
    "tsa.wrong_econtent_type": {
        "zh": "时间戳令牌封装的内容不是 TSTInfo（id-ct-TSTInfo），而是 {content_type}",
        "en": "the timestamp token does not encapsulate a TSTInfo (id-ct-TSTInfo) but {content_type}",
    },
    "tsa.signer_count": {
        "zh": "时间戳令牌必须恰有一个签名者（SignerInfo），实际有 {count} 个",
        "en": "the timestamp token must have exactly one SignerInfo, it has {count}",
    },
    "tsa.version": {
        "zh": "不支持的 TSTInfo 版本 {version}（只接受版本 1）",
        "en": "unsupported TSTInfo version {version} (only version 1 is accepted)",
    },
    "tsa.digest_algorithm": {
        "zh": "{what} 使用了不接受的摘要算法 {algorithm}（只接受 SHA-256、SHA-384、SHA-512）",
        "en": "{what} uses the digest algorithm {algorithm}, which is not accepted (only SHA-256, SHA-384, SHA-512)",
    },
    # signed attributes and signature
    "tsa.no_signed_attrs": {
        "zh": "时间戳令牌的签名者没有签名属性（signedAttrs）",
        "en": "the timestamp token's signer has no signed attributes (signedAttrs)",
    },
    "tsa.attr_content_type": {
        "zh": "时间戳令牌的签名属性 content-type 缺失或不是 id-ct-TSTInfo",
        "en": "the timestamp token's signed content-type attribute is missing or is not id-ct-TSTInfo",
    },
    "tsa.attr_message_digest": {
        "zh": "时间戳令牌的签名属性 message-digest 缺失或与 TSTInfo 的 {algorithm} 摘要不符",
        "en": "the timestamp token's signed message-digest attribute is missing or does not match the {algorithm} digest of the TSTInfo",
    },
    "tsa.signer_cert_missing": {
        "zh": "找不到时间戳令牌签名者的证书（令牌中没有，受信任证书中也没有）；请提供该时间戳机构的签名证书",
        "en": "the certificate of the timestamp token's signer was not found (neither in the token nor among the trusted certificates); give the TSA's signing certificate",
    },
    "tsa.signature_algorithm": {
        "zh": "不支持时间戳令牌的签名算法 {algorithm}，或它与签名证书的密钥不匹配",
        "en": "the timestamp token's signature algorithm {algorithm} is not supported or does not match the signer certificate's key",
    },
    "tsa.bad_signature": {
        "zh": "时间戳令牌的签名无效（签名者 {tsa}）",
        "en": "the timestamp token's signature is invalid (signer {tsa})",
    },
    "tsa.ess_mismatch": {
        "zh": "时间戳令牌的签名证书属性（ESSCertID v{version}）与签名者证书不符",
        "en": "the timestamp token's signing-certificate attribute (ESSCertID v{version}) does not match the signer certificate",
    },
    # the certificate
    "tsa.eku_missing": {
        "zh": "时间戳机构 {tsa} 的证书没有时间戳用途（扩展密钥用法 id-kp-timeStamping）",
        "en": "the certificate of the TSA {tsa} is not for time-stamping (no extendedKeyUsage id-kp-timeStamping)",
    },
    "tsa.eku_not_critical": {
        "zh": "时间戳机构 {tsa} 的证书的扩展密钥用法未标为关键（RFC 3161 §2.3 要求关键）",
        "en": "the extendedKeyUsage of the TSA {tsa}'s certificate is not critical (RFC 3161 §2.3 requires it)",
    },
    "tsa.eku_not_only": {
        "zh": "时间戳机构 {tsa} 的证书除时间戳外还有其他密钥用途（RFC 3161 §2.3 只允许 id-kp-timeStamping）",
        "en": "the certificate of the TSA {tsa} has key purposes besides time-stamping (RFC 3161 §2.3 allows only id-kp-timeStamping)",
    },
    "tsa.cert_not_valid": {
        "zh": "证书 {subject} 在时间戳时刻 {gen_time} 不在有效期内（{not_before} 至 {not_after}）",
        "en": "the certificate {subject} is not valid at the timestamp's time {gen_time} (valid {not_before} to {not_after})",
    },
    # what is stamped
    "tsa.imprint_algorithm": {
        "zh": "时间戳的消息印记不是 SHA-256（算法 {algorithm}）",
        "en": "the timestamp's message imprint is not SHA-256 (algorithm {algorithm})",
    },
    "tsa.imprint_mismatch": {
        "zh": "时间戳盖的不是这份文件：印记 {actual}，应为 {expected}",
        "en": "the timestamp is not over this document: imprint {actual}, expected {expected}",
    },
    "tsa.untrusted": {
        "zh": "时间戳机构 {tsa} 不受信任：其证书（指纹 {fingerprint}）既不是受信任证书，也不由受信任证书签发；请核对所给的是否为该机构自己公布的根证书或签名证书",
        "en": "the TSA {tsa} is not trusted: its certificate (fingerprint {fingerprint}) is neither a trusted certificate nor issued by one; check that you gave the root or signing certificate that the TSA itself publishes",
    },
    # inputs
    "tsa.bad_digest": {
        "zh": "要盖时间戳的摘要必须是 32 字节（SHA-256），实际 {length} 字节",
        "en": "the digest to time-stamp must be 32 bytes (SHA-256), got {length}",
    },
    "tsa.bad_nonce": {
        "zh": "时间戳请求的随机数（nonce）必须是非负整数：{nonce}",
        "en": "the timestamp request's nonce must be a non-negative integer: {nonce}",
    },
    "tsa.bad_certificates": {
        "zh": "无法读取证书（{source}）：必须是 PEM（一个或多个）或 DER 格式的 X.509 证书（{reason}）",
        "en": "cannot read the certificates ({source}): they must be X.509 certificates in PEM (one or more) or DER ({reason})",
    },
    # the exchange with the TSA (services/timestamp.py)
    "tsa.refused": {
        "zh": "时间戳机构拒绝了请求：状态 {status}，说明：{text}，失败原因：{fail_info}",
        "en": "the time-stamping authority refused the request: status {status}, text: {text}, failure: {fail_info}",
    },
    "tsa.bad_url": {
        "zh": "时间戳机构地址无效：{url}（须为 http:// 或 https:// 开头、含主机名的完整网址，不含空格，如 https://freetsa.org/tsr）",
        "en": "invalid time-stamping authority URL: {url} (it must be a whole http:// or https:// address with a host name and no spaces, e.g. https://freetsa.org/tsr)",
    },
    "tsa.network": {
        "zh": "无法连接时间戳机构 {url}：{reason}；请检查地址和网络，或在能上网的另一台机器上为同一摘要申请时间戳",
        "en": "cannot reach the time-stamping authority {url}: {reason}; check the address and the network, or request the timestamp for the same digest from another machine that is online",
    },
    "tsa.http_status": {
        "zh": "时间戳机构 {url} 返回了 HTTP 状态 {status}；请核对地址是否为该机构的 RFC 3161 服务地址，或稍后重试",
        "en": "the time-stamping authority {url} answered with HTTP status {status}; check that the address is the TSA's RFC 3161 service, or try again later",
    },
    "tsa.content_type": {
        "zh": "时间戳机构 {url} 的回复类型是 {content_type}，应为 application/timestamp-reply；该地址可能不是 RFC 3161 服务地址",
        "en": "the time-stamping authority {url} answered with content type {content_type}, not application/timestamp-reply; the address is probably not an RFC 3161 service",
    },
    "tsa.too_large": {
        "zh": "时间戳机构 {url} 的回复超过 {limit} 字节",
        "en": "the answer of the time-stamping authority {url} is larger than {limit} bytes",
    },
    "tsa.nonce_mismatch": {
        "zh": "时间戳机构的回复没有原样带回请求的随机数（nonce）：发送 {sent}，收到 {received}",
        "en": "the time-stamping authority's answer does not echo the request's nonce: sent {sent}, received {received}",
    },
    # randcheck timestamp (randcheck/cli/timestamp.py; its other texts are in messages/ordering.py)
    "timestamp.out_dir": {
        "zh": "无法在文件夹 {path} 中保存时间戳文件（{reason}）；请先建好该文件夹或换一个可写的位置，再申请时间戳",
        "en": "cannot write the token into the folder {path} ({reason}); create it or choose a writable place before asking for the timestamp",
    },
}
