# The ttx program in a small image, for clusters (README: "On a cluster").
#
#   docker build -t ttx:0.2.0 --build-arg TTX_BUILD_COMMIT=$(git rev-parse HEAD) .
#   docker run --rm -v "$PWD/out:/results" ttx:0.2.0 batch tabletop_the_vote --runs 100 --out /results/demo
#
# Stage 1 builds the release binary with the toolchain rust-toolchain.toml pins; stage 2
# holds only the binary, the shipped scenarios and the example policies, and runs as an
# unprivileged user.

FROM rust:1.95.0-slim-bookworm AS build
WORKDIR /src
COPY . .
# The build context holds no .git: the commit comes from the build argument (or "unknown").
ARG TTX_BUILD_COMMIT=unknown
ARG TTX_BUILD_DIRTY=unknown
ENV TTX_BUILD_COMMIT=${TTX_BUILD_COMMIT} TTX_BUILD_DIRTY=${TTX_BUILD_DIRTY}
RUN cargo build --release --locked --bin ttx \
    && strip target/release/ttx

FROM debian:bookworm-slim
RUN useradd --system --uid 10001 --create-home --home-dir /home/ttx ttx \
    && mkdir -p /results && chown ttx /results
COPY --from=build /src/target/release/ttx /usr/local/bin/ttx
COPY scenarios /scenarios
COPY examples/policies /policies
USER ttx
WORKDIR /results
ENTRYPOINT ["ttx"]
CMD ["--help"]
