# Sourced by install-editors.sh (needs CACHE, the clone's .cache): the environment every install and
# the smoke check run in, so that installing writes nothing outside the clone but npm's cache.
# Without it, code-server's first start (the --version check) writes ~/.config/code-server/config.yaml
# (with a password) and ~/.local/share/code-server/, and node-gyp ~/.cache/node-gyp/.
# npm keeps the user's cache and config: installs stay offline-capable and honour the user's registry.

# What npm would use under the real HOME, fixed before HOME moves.
export npm_config_cache="${npm_config_cache:-$HOME/.npm}"
export npm_config_userconfig="${npm_config_userconfig:-$HOME/.npmrc}"

# Created by install-editors.sh once it installs anything (a refused run leaves no .cache behind).
INSTALL_HOME="$CACHE/install-home"
export HOME="$INSTALL_HOME"
export XDG_CONFIG_HOME="$INSTALL_HOME/.config" XDG_DATA_HOME="$INSTALL_HOME/.local/share" \
  XDG_CACHE_HOME="$INSTALL_HOME/.cache" XDG_STATE_HOME="$INSTALL_HOME/.local/state"
# node-gyp's headers and build cache (default ~/.cache/node-gyp, or XDG_CACHE_HOME's).
export npm_config_devdir="$CACHE/node-gyp"
