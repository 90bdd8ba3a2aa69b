# Sourced by the vendor_*.sh scripts: fetch one npm package tarball into the current folder,
# check it against the registry's integrity hash, and unpack it into ./package.
#   npm_fetch NAME@VERSION   (sets $tarball and $integrity)
npm_fetch() {
  local spec="$1" expected actual
  command -v npm >/dev/null || { echo "npm_fetch: npm is required" >&2; return 1; }
  command -v node >/dev/null || { echo "npm_fetch: node is required" >&2; return 1; }
  npm pack "$spec" --json --silent > pack.json
  tarball="$(node -e 'const p=require("./pack.json")[0]; process.stdout.write(p.filename)')"
  integrity="$(node -e 'const p=require("./pack.json")[0]; process.stdout.write(p.integrity)')"
  expected="$(npm view "$spec" dist.integrity)"
  if [ "$integrity" != "$expected" ]; then
    echo "npm_fetch: integrity mismatch for $tarball: $integrity != $expected" >&2
    return 1
  fi
  actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | openssl base64 -A)"
  if [ "$actual" != "$expected" ]; then
    echo "npm_fetch: tarball hash $actual does not match registry $expected" >&2
    return 1
  fi
  tar xzf "$tarball"
}
