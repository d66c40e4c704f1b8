package sandbox

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"net/http"
	"time"
)

type certificateList struct {
	Data []certificateEntry `json:"data"`
}

type certificateEntry struct {
	SerialNo           string            `json:"serial_no"`
	EffectiveTime      string            `json:"effective_time"`
	ExpireTime         string            `json:"expire_time"`
	EncryptCertificate encryptedResource `json:"encrypt_certificate"`
}

// certificates is GET /v3/certificates: the platform certificate, encrypted with
// AEAD_AES_256_GCM under the APIv3 key (associated data "certificate"). Its reply is
// signed with that certificate unless the client names the public key, so a client can
// check the list with what it just decrypted.
func (s *Server) certificates(c *call) reply {
	block, err := aes.NewCipher([]byte(s.keys.apiV3Key))
	if err != nil {
		return errorReply(newError(http.StatusInternalServerError, "SYSTEMERROR", "系统错误"))
	}
	gcm, _ := cipher.NewGCM(block) // cannot fail for AES
	nonce := randomString(gcm.NonceSize(), apiV3Chars)
	sealed := gcm.Seal(nil, []byte(nonce), s.keys.certPEM, []byte("certificate"))
	cert := s.keys.platformCert
	rep := jsonReply(http.StatusOK, certificateList{Data: []certificateEntry{{
		SerialNo:      s.keys.platformSerial(),
		EffectiveTime: cert.NotBefore.In(cst).Format(time.RFC3339),
		ExpireTime:    cert.NotAfter.In(cst).Format(time.RFC3339),
		EncryptCertificate: encryptedResource{
			Algorithm: "AEAD_AES_256_GCM", Nonce: nonce, AssociatedData: "certificate",
			Ciphertext: base64.StdEncoding.EncodeToString(sealed),
		},
	}}})
	rep.preferCert = true
	return rep
}
