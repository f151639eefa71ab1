# ClusterLb node image: build with the .NET SDK, run on the ASP.NET Core runtime as the non-root user "app".
#   docker build -t clusterlb .
#   docker run --rm clusterlb --help
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/ClusterLb.Node -c Release -o /app --nologo

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
# The official runtime images ship the unprivileged user "app" (uid 1654); the data directory is its own.
RUN mkdir -p /data && chown app:app /data
USER app
ENV CLUSTERLB_DATA_DIR=/data
# Optimize hot methods without .NET's tier-up wait: a restarted node serves its first seconds about twice as fast
# (docs/deployment.md, "Performance defaults and knobs"). The runtime reads this knob from the environment only.
ENV DOTNET_TC_CallCountingDelayMs=0
VOLUME /data
# proxy, admin, cluster
EXPOSE 8080 8081 4053
# Ready = Up cluster member, every service routing, proxy listener open (GET /health/ready on the admin port).
# The runtime image has no curl; bash's /dev/tcp speaks enough HTTP for a probe.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8081 && printf 'GET /health/ready HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["dotnet", "/app/clusterlb.dll"]
CMD ["run", "--config", "/etc/clusterlb/clusterlb.conf"]
